import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, (p) => fetchComment(p));

export async function comment(id: string) {
  return __cacheme_comment_id.get({ id })
}

