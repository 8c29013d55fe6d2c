import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme_2 from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id_2 = __cacheme_2.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme_2.__cachemeParam(p, 'id', 'comment:<<id>>') }, p => fetchComment(p));
const __cacheme_comment_id = 'taken';
const __cachemeStore = 'taken too';
export const comments = __cacheme_comment_id_2;
export const names = [__cacheme_comment_id, __cachemeStore];
