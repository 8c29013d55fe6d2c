import { cached } from 'cacheme';
import { fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>') }, p => fetchComment(p));
export function withLocal(cached) {
    return cached('comment:<<id>>', fetchComment);
}
export function withBlock() {
    {
        const cached = (t) => t;
        return cached('not:<<a store>>');
    }
}
export const real = __cacheme_comment_id;
