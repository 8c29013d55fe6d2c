import { afterAll, inject } from 'vitest'
import { startCountingProxy } from '../../harness/counting-proxy.js'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer } from '../../harness/redis-server.js'
import type { BackendUnderTest } from '../conformance/backend-under-test.js'
import { expectTtlWithPttl } from '../conformance/expect-pttl.js'
import { runConformance } from '../conformance/index.js'

const { host, port, url } = inject('redis').standalone
const raw = new Redis(port, host, { lazyConnect: true })
afterAll(() => raw.disconnect())

const standalone: BackendUnderTest = {
  kind: 'redis',
  options: () => ({ redis: url }),
  connectionForms: () => [
    { label: 'a redis:// URL', make: () => ({ options: { redis: url }, owned: true }) },
    { label: 'ioredis options', make: () => ({ options: { redis: { host, port } }, owned: true }) },
    {
      label: 'an existing ioredis Redis instance',
      make: () => {
        const instance = new Redis(port, host)
        return { options: { redis: instance }, owned: false, instance, release: () => instance.disconnect() }
      },
    },
  ],
  expectTtl: expectTtlWithPttl(raw),
  async indexTtls(prefix) {
    const keys = await raw.keys(`${prefix}:~index:*`)
    return Promise.all(keys.map((key) => raw.pttl(key)))
  },
  async tagSetTtls(prefix) {
    const keys = await raw.keys(`${prefix}:~tag:*`)
    return Promise.all(keys.map((key) => raw.pttl(key)))
  },
  counting: {
    async start() {
      const proxy = await startCountingProxy(port, host)
      return {
        options: { redis: `redis://127.0.0.1:${proxy.port}` },
        reset: () => proxy.reset(),
        busyNodes: () => new Map(proxy.roundTrips() > 0 ? [[`${host}:${port}`, proxy.roundTrips()]] : []),
        close: () => proxy.close(),
      }
    },
  },
  async passwordProtected() {
    const password = 'pw-Sesame-4711'
    const server = await startRedisServer({ password })
    return { url: server.url, password, stop: () => server.stop() }
  },
}

runConformance(standalone)
