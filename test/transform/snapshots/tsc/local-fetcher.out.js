import { cached } from 'cacheme';
import * as __cacheme from 'cacheme';
/* user:<<id>> */
const __cacheme_user_id = __cacheme.__cachemeStore({ template: 'user:<<id>>', params: ['id'], render: p => 'user:' + __cacheme.__cachemeParam(p, 'id', 'user:<<id>>'), ttl: 30000 });
export function userStore(db) {
    const fetchUser = ({ id }) => db.user(id);
    return __cacheme_user_id.with(fetchUser);
}
export function inline(db, id) {
    return __cacheme_user_id.with(async (p) => db.user(p.id), { singleflight: false }).get({ id });
}
