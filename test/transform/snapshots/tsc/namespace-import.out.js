import * as cacheme from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, p => fetchComment(p));
/* post:<<id>> */
const __cacheme_post_id = __cacheme.__cachemeStore({ template: 'post:<<id>>', params: ['id'], render: p => 'post:' + __cacheme.__cachemeParam(p, 'id', 'post:<<id>>') }, p => fetchComment(p));
export const comments = __cacheme_comment_id;
export const other = __cacheme_post_id;
