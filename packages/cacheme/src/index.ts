export { cached, __cachemeStore } from './cached.js'
export { Store } from './store/store.js'
export type { Fetcher, GetOptions, GetManyOptions, Params } from './store/store.js'
export type { StoreOptions, LockOptions, Ttl, Version } from './store/options.js'
export type { TagsOption } from './store/tags.js'
export type { FetchMany, FetchManyContext } from './herd/batch.js'
export type { FreshnessOptions } from './store/freshness-options.js'
export type { FetchContext } from './herd/fetch-control.js'
export type { LocalOptions, StoreLocalOption } from './local/options.js'
export type { StoreSpec } from './store/spec.js'
export { Client, createClient } from './client/client.js'
export type { KeyState } from './client/client.js'
export { configure, defaultClient } from './client/default-client.js'
export type { ClientOptions, ClusterSeed, RedisInstance } from './client/options.js'
export type { Logger, CacheOp, OpDetail } from './client/logger.js'
export type { Counters } from './client/core.js'
export { Pipeline } from './pipeline.js'
export { pipeline } from './default-pipeline.js'
export { invalidateTags } from './default-invalidate-tags.js'
export { msgpackCodec, jsonCodec } from './codec/codec.js'
export type { Codec, CodecOption } from './codec/codec.js'
export type { Placeholders, TemplateParams } from './types.js'
export { keyParam as __cachemeParam } from './template/encode-param.js'
export {
  TemplateError,
  DurationError,
  CacheUnavailableError,
  FetchTimeoutError,
  FetchFailedElsewhereError,
  FetchManyError,
} from './errors.js'
export type { WriteOutcome } from './errors.js'
