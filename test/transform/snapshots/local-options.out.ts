import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>') });
/* post:<<id>> */
const __cacheme_post_id = __cachemeStore({ template: 'post:<<id>>', params: ['id'], render: (p) => 'post:' + __cachemeParam(p, 'id', 'post:<<id>>') });

export function comments(version: number, ttl: string) {
  return __cacheme_comment_id.with(fetchComment, { ttl, version, lock: { ttl: '2s', wait: '500ms' } })
}

export function opaque(options: { ttl: number }) {
  return __cacheme_post_id.with(fetchComment, options)
}

