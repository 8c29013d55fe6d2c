import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000, version: 2 }, (p) => fetchComment(p), { codec: 'json', lock: false });

export const a = __cacheme_comment_id
export const b = __cacheme_comment_id

