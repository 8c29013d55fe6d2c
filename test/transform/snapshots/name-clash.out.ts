import { cached } from 'cacheme'
import { fetchComment } from './db.js'
import { __cachemeStore as __cachemeStore_2, __cachemeParam } from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id_2 = __cachemeStore_2({ template: 'comment:<<id>>', params: ['id'], render: (p) => 'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>') }, (p) => fetchComment(p));

const __cacheme_comment_id = 'taken'
const __cachemeStore = 'taken too'

export const comments = __cacheme_comment_id_2
export const names = [__cacheme_comment_id, __cachemeStore]

