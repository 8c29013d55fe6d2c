import { cached } from 'cacheme'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* config */
const __cacheme_config = __cachemeStore({ template: 'config', params: [], render: (p) => 'config' + __cachemeParam(p, null, 'config'), ttl: 60000 }, (p) => loadConfig(p));

export const config = __cacheme_config

async function loadConfig() {
  return { theme: 'dark' }
}

