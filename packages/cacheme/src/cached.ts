import { Store, type Fetcher } from './store/store.js'
import { specOf, type StoreSpec } from './store/spec.js'
import type { FetchContext } from './herd/fetch-control.js'
import type { StoreOptions, Ttl } from './store/options.js'
import type { CheckedFetcherResult, TemplateParams } from './types.js'

/**
 * A typed cache store over a key template: `cached('comment:<<id>>', fetchComment, '5m')`.
 * The build plugin turns inline calls into module-level stores; without it, this runs the same.
 */
export function cached<const S extends string, P extends object, T>(
  template: S,
  // ctx is FetchContext<any> here: a type parameter in it would be fixed (to unknown) before the
  // value type is inferred from an inline fetcher; annotate ctx (FetchContext<Product>) for a typed ctx.stale.
  fetcher: (params: P, ctx: FetchContext<any>) => CheckedFetcherResult<S, P, T>,
  ttlOrOptions?: Ttl | StoreOptions<T, NoInfer<P>>,
): Store<P, T>
export function cached<const S extends string, T>(
  template: S,
  fetcher: () => T | Promise<T>,
  ttlOrOptions?: Ttl | StoreOptions<T, TemplateParams<S>>,
): Store<TemplateParams<S>, T>
/**
 * Explicit value type: `cached<Comment>('comment:<<id>>', fetchComment, 300)`.
 * T is never inferred here (NoInfer, default never): without an explicit T this overload
 * matches nothing, so a fetcher whose params don't fit the template stays an error.
 */
export function cached<T = never>(
  template: string,
  fetcher: (params: any, ctx: FetchContext<NoInfer<T>>) => NoInfer<T> | Promise<NoInfer<T>>,
  ttlOrOptions?: Ttl | StoreOptions<NoInfer<T>, Record<string, string | number>>,
): Store<Record<string, string | number>, T>
export function cached(
  template: string,
  fetcher: Fetcher<any, unknown>,
  ttlOrOptions?: Ttl | StoreOptions<unknown, any>,
): Store<any, unknown> {
  return new Store(specOf(template), fetcher, ttlOrOptions)
}

/**
 * @internal The compiler's output: a store whose static part was computed at build time.
 * With a fetcher it is complete; without, call sites bind theirs with `.with(fetcher, options)`.
 */
export function __cachemeStore(
  spec: StoreSpec,
  fetcher?: Fetcher<any, unknown>,
  ttlOrOptions?: Ttl | StoreOptions<unknown, any>,
): Store<any, unknown> {
  return new Store(spec, fetcher ?? missingFetcher(spec.template), ttlOrOptions)
}

function missingFetcher(template: string): Fetcher<unknown, unknown> {
  return () => {
    throw new Error(`cacheme: store '${template}' was used without a fetcher; bind one with .with(fetcher)`)
  }
}
