import type { Store } from './store/store.js'

/** The placeholder names of a template literal type: 'a:<<x>>:<<y>>' → 'x' | 'y'. */
export type Placeholders<S extends string> = S extends `${string}<<${infer Name}>>${infer Rest}` ? Name | Placeholders<Rest> : never

/** The params object of a template: one string-or-number property per placeholder. */
export type TemplateParams<S extends string> = string extends S
  ? Record<string, string | number>
  : { [K in Placeholders<S>]: string | number }

/** `unknown` when the fetcher's params are exactly the template's placeholders; an explanation otherwise. */
export type CheckFetcherParams<S extends string, P> = string extends S
  ? unknown
  : [Exclude<keyof P, Placeholders<S>>, Exclude<Placeholders<S>, keyof P>] extends [never, never]
    ? unknown
    : {
        'cacheme: the fetcher params must be exactly the template placeholders': Placeholders<S>
        unexpected: Exclude<keyof P, Placeholders<S>>
        missing: Exclude<Placeholders<S>, keyof P>
      }

/**
 * What a fetcher may return: its value (or a promise of it) when its params are exactly the
 * template's placeholders, else the explanation. The check sits in the return type, not in an
 * intersection with the fetcher type or in another parameter: any other mention of the params
 * type fixes it before TypeScript infers it from a fetcher whose `ctx` is not annotated.
 */
export type CheckedFetcherResult<S extends string, P, T> =
  unknown extends CheckFetcherParams<S, P> ? T | Promise<T> : CheckFetcherParams<S, P>

export type ValueOf<S> = S extends Store<object, infer T> ? T : never
