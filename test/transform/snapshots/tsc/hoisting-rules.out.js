import { cached } from 'cacheme';
import { db } from './db.js';
import * as __cacheme from 'cacheme';
/* a:<<id>> */
const __cacheme_a_id = __cacheme.__cachemeStore({ template: 'a:<<id>>', params: ['id'], render: p => 'a:' + __cacheme.__cachemeParam(p, 'id', 'a:<<id>>') }, async ({ id }) => db.get(id));
/* b:<<id>> */
const __cacheme_b_id = __cacheme.__cachemeStore({ template: 'b:<<id>>', params: ['id'], render: p => 'b:' + __cacheme.__cachemeParam(p, 'id', 'b:<<id>>') });
/* c:<<id>> */
const __cacheme_c_id = __cacheme.__cachemeStore({ template: 'c:<<id>>', params: ['id'], render: p => 'c:' + __cacheme.__cachemeParam(p, 'id', 'c:<<id>>') }, function (p) { return [this, arguments.length, p.id]; });
/* d:<<id>> */
const __cacheme_d_id = __cacheme.__cachemeStore({ template: 'd:<<id>>', params: ['id'], render: p => 'd:' + __cacheme.__cachemeParam(p, 'id', 'd:<<id>>') });
/* e:<<id>> */
const __cacheme_e_id = __cacheme.__cachemeStore({ template: 'e:<<id>>', params: ['id'], render: p => 'e:' + __cacheme.__cachemeParam(p, 'id', 'e:<<id>>') });
/* f:<<id>> */
const __cacheme_f_id = __cacheme.__cachemeStore({ template: 'f:<<id>>', params: ['id'], render: p => 'f:' + __cacheme.__cachemeParam(p, 'id', 'f:<<id>>') });
/* g:<<url>> */
const __cacheme_g_url = __cacheme.__cachemeStore({ template: 'g:<<url>>', params: ['url'], render: p => 'g:' + __cacheme.__cachemeParam(p, 'url', 'g:<<url>>') }, p => fetch(p));
// Hoisted: reads only an import and its own parameter.
export const byImport = __cacheme_a_id;
export class Repo {
    prefix = 'r';
    find(id) {
        // Bound: `this` of the method.
        return __cacheme_b_id.with(async (p) => this.prefix + p.id).get({ id });
    }
}
export function legacy() {
    // Hoisted: a function expression's own `this` and `arguments`.
    return __cacheme_c_id;
}
export function withArgs() {
    // Bound: the arrow reads the outer function's `arguments`.
    return __cacheme_d_id.with((p) => arguments[0] + p.id);
}
export function shadowedImport(db) {
    // Bound: `db` is the parameter here, not the import.
    return __cacheme_e_id.with(({ id }) => db.get(id));
}
// Bound: a member expression is read at the call site; the version function reads a parameter.
export const withVersion = (v) => __cacheme_f_id.with(db.get, { version: () => v });
// Hoisted: a global, wrapped so it is read when a fetch runs.
export const globalFetch = __cacheme_g_url;
