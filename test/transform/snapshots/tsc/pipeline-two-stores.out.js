import { cached, pipeline } from 'cacheme';
import { fetchUser, fetchComment } from './db.js';
import * as __cacheme from 'cacheme';
/* user:<<userID>> */
const __cacheme_user_userID = __cacheme.__cachemeStore({ template: 'user:<<userID>>', params: ['userID'], render: p => 'user:' + __cacheme.__cachemeParam(p, 'userID', 'user:<<userID>>'), ttl: 3600000 }, p => fetchUser(p));
/* comment:<<id>> */
const __cacheme_comment_id = __cacheme.__cachemeStore({ template: 'comment:<<id>>', params: ['id'], render: p => 'comment:' + __cacheme.__cachemeParam(p, 'id', 'comment:<<id>>'), ttl: 300000 }, p => fetchComment(p));
export async function page(userID, commentID) {
    const p = pipeline();
    const user = __cacheme_user_userID.getP(p, { userID });
    const comment = __cacheme_comment_id.getP(p, { id: commentID });
    await p.execute();
    return { user: await user, comment: await comment };
}
