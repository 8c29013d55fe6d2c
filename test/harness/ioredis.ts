import { createRequire } from 'node:module'

// ioredis is a dependency of the runtime, not of the root: load the very copy the runtime uses
// (so `instanceof Redis` inside cacheme holds for instances tests create) through cacheme's
// own module resolution.
type IORedis = typeof import('../../packages/cacheme/node_modules/ioredis/built/index.js')
const requireFromRuntime = createRequire(new URL('../../packages/cacheme/package.json', import.meta.url))
const ioredis = requireFromRuntime('ioredis') as IORedis

export const Redis = ioredis.Redis
export const Cluster = ioredis.Cluster
export type Redis = InstanceType<IORedis['Redis']>
export type Cluster = InstanceType<IORedis['Cluster']>
export type { RedisOptions, ClusterOptions } from '../../packages/cacheme/node_modules/ioredis/built/index.js'
