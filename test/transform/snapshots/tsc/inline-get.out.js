import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, p => fetchComment(p));
export async function comment(id) {
    return __cacheme_comment_id.get({ id });
}
