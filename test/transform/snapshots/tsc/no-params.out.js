import { cached } from 'cacheme';
import * as __cacheme from 'cacheme';
/* config */
const __cacheme_config = __cacheme.__cachemeStore({ template: 'config', params: [], render: p => 'config' + __cacheme.__cachemeParam(p, null, 'config'), ttl: 60000 }, p => loadConfig(p));
export const config = __cacheme_config;
async function loadConfig() {
    return { theme: 'dark' };
}
