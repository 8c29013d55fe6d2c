import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* thread:<<id>> */
const __cacheme_thread_id = __cachemeStore({ template: 'thread:<<id>>', params: ['id'], render: (p) => 'thread:' + __cachemeParam(p, 'id', 'thread:<<id>>'), ttl: 60000 }, async (p: { id: string }) => [await __cacheme_comment_id.get(p)]);
/* comment:<<id>> */
const __cacheme_comment_id = __cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, (p) => fetchComment(p));

export const thread = (id: string) =>
  __cacheme_thread_id.get({ id })

