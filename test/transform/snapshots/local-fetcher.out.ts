import { cached } from 'cacheme'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* user:<<id>> */
const __cacheme_user_id = __cachemeStore({ template: 'user:<<id>>', params: ['id'], render: (p) => 'user:' + __cachemeParam(p, 'id', 'user:<<id>>'), ttl: 30000 });

export function userStore(db: { user(id: string): Promise<string> }) {
  const fetchUser = ({ id }: { id: string }) => db.user(id)
  return __cacheme_user_id.with(fetchUser)
}

export function inline(db: { user(id: string): Promise<string> }, id: string) {
  return __cacheme_user_id.with(async (p: { id: string }) => db.user(p.id), { singleflight: false }).get({ id })
}

