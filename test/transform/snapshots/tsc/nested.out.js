import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* thread:<<id>> */
const __cacheme_thread_id = __cacheme.__cachemeStore({ template: 'thread:<<id>>', params: ['id'], render: p => 'thread:' + __cacheme.__cachemeParam(p, 'id', 'thread:<<id>>'), ttl: 60000 }, async (p) => [await __cacheme_comment_id.get(p)]);
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, p => fetchComment(p));
export const thread = (id) => __cacheme_thread_id.get({ id });
