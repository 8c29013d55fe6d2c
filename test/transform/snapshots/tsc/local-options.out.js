import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>') });
/* post:<<id>> */
const __cacheme_post_id = __cacheme.__cachemeStore({ template: 'post:<<id>>', params: ['id'], render: p => 'post:' + __cacheme.__cachemeParam(p, 'id', 'post:<<id>>') });
export function comments(version, ttl) {
    return __cacheme_comment_id.with(fetchComment, { ttl, version, lock: { ttl: '2s', wait: '500ms' } });
}
export function opaque(options) {
    return __cacheme_post_id.with(fetchComment, options);
}
