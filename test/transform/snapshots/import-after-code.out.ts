import { cached } from 'cacheme'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* early:<<id>> */
const __cacheme_early_id = __cachemeStore({ template: 'early:<<id>>', params: ['id'], render: (p) => 'early:' + __cachemeParam(p, 'id', 'early:<<id>>'), ttl: 60000 }, (p) => fetchEarly(p));

// Runs while the module evaluates, before the import below in source order: the store must
// already be defined here, so stores go after the leading imports, not after the last one.
export const early = __cacheme_early_id

import { fetchEarly } from './db.js'

