import { cached } from 'cacheme';
import * as __cacheme from 'cacheme';
/* user:<<id>> */
const __cacheme_user_id = __cacheme.__cachemeStore({ template: 'user:<<id>>', params: ['id'], render: p => 'user:' + __cacheme.__cachemeParam(p, 'id', 'user:<<id>>') }, p => fetchUser(p));
export const users = () => __cacheme_user_id.get({ id: '1' });
const fetchUser = async ({ id }) => ({ id });
