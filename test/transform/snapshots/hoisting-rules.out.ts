import { cached } from 'cacheme'
import { db } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* b:<<id>> */
const __cacheme_b_id = __cachemeStore({ template: 'b:<<id>>', params: ['id'], render: (p) => 'b:' + __cachemeParam(p, 'id', 'b:<<id>>') });
/* d:<<id>> */
const __cacheme_d_id = __cachemeStore({ template: 'd:<<id>>', params: ['id'], render: (p) => 'd:' + __cachemeParam(p, 'id', 'd:<<id>>') });
/* e:<<id>> */
const __cacheme_e_id = __cachemeStore({ template: 'e:<<id>>', params: ['id'], render: (p) => 'e:' + __cachemeParam(p, 'id', 'e:<<id>>') });
/* f:<<id>> */
const __cacheme_f_id = __cachemeStore({ template: 'f:<<id>>', params: ['id'], render: (p) => 'f:' + __cachemeParam(p, 'id', 'f:<<id>>') });
/* a:<<id>> */
const __cacheme_a_id = __cachemeStore({ template: 'a:<<id>>', params: ['id'], render: (p) => 'a:' + __cachemeParam(p, 'id', 'a:<<id>>') }, async ({ id }: { id: string }) => db.get(id));
/* c:<<id>> */
const __cacheme_c_id = __cachemeStore({ template: 'c:<<id>>', params: ['id'], render: (p) => 'c:' + __cachemeParam(p, 'id', 'c:<<id>>') }, function (this: unknown, p: { id: string }) { return [this, arguments.length, p.id] });
/* g:<<url>> */
const __cacheme_g_url = __cachemeStore({ template: 'g:<<url>>', params: ['url'], render: (p) => 'g:' + __cachemeParam(p, 'url', 'g:<<url>>') }, (p) => fetch(p));

// Hoisted: reads only an import and its own parameter.
export const byImport = __cacheme_a_id

export class Repo {
  prefix = 'r'
  find(id: string) {
    // Bound: `this` of the method.
    return __cacheme_b_id.with(async (p: { id: string }) => this.prefix + p.id).get({ id })
  }
}

export function legacy() {
  // Hoisted: a function expression's own `this` and `arguments`.
  return __cacheme_c_id
}

export function withArgs() {
  // Bound: the arrow reads the outer function's `arguments`.
  return __cacheme_d_id.with((p: { id: string }) => arguments[0] + p.id)
}

export function shadowedImport(db: { get(id: string): string }) {
  // Bound: `db` is the parameter here, not the import.
  return __cacheme_e_id.with(({ id }: { id: string }) => db.get(id))
}

// Bound: a member expression is read at the call site; the version function reads a parameter.
export const withVersion = (v: number) => __cacheme_f_id.with(db.get, { version: () => v })

// Hoisted: a global, wrapped so it is read when a fetch runs.
export const globalFetch = __cacheme_g_url

