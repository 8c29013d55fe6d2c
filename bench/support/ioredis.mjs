import { createRequire } from 'node:module'

// The ioredis copy the runtime depends on (the root does not install one).
const require = createRequire(new URL('../../packages/cacheme/package.json', import.meta.url))
const ioredis = require('ioredis')

export const Redis = ioredis.Redis
export const Cluster = ioredis.Cluster
