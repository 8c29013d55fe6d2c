import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000, version: 2 }, p => fetchComment(p), { codec: 'json', lock: false });
export const a = __cacheme_comment_id;
export const b = __cacheme_comment_id;
