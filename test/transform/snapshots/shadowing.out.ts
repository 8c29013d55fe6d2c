import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>') }, (p) => fetchComment(p));

export function withLocal(cached: (t: string, f: unknown) => unknown) {
  return cached('comment:<<id>>', fetchComment)
}

export function withBlock() {
  {
    const cached = (t: string) => t
    return cached('not:<<a store>>')
  }
}

export const real = __cacheme_comment_id

