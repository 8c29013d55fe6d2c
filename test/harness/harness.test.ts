import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startChildren } from './children.js'
import { startCountingCluster } from './counting-cluster.js'
import { startCountingProxy } from './counting-proxy.js'
import { Cluster, Redis } from './ioredis.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

describe('redis-server harness', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(() => server.stop())

  it('serves, survives a restart on the same port, and refuses while stopped', async () => {
    const redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
    await redis.set('k', 'v')
    expect(await redis.get('k')).toBe('v')
    redis.disconnect()
    const firstPid = server.pid
    await server.restart()
    expect(server.pid).not.toBe(firstPid)
    const again = new Redis(server.port, '127.0.0.1', { lazyConnect: true })
    expect(await again.get('k')).toBeNull() // no persistence
    again.disconnect()
    await server.kill('SIGKILL')
    expect(server.running).toBe(false)
    const refused = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
    refused.on('error', () => {}) // the rejection below is what we check
    await expect(refused.ping()).rejects.toThrow()
    refused.disconnect()
    await server.restart()
    expect(server.running).toBe(true)
  })

  it('requires the password when one is set', async () => {
    const guarded = await startRedisServer({ password: 's3cret' })
    try {
      expect(guarded.url).toBe(`redis://:s3cret@127.0.0.1:${guarded.port}`)
      const anonymous = new Redis(guarded.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 })
      anonymous.on('error', () => {}) // the rejection below is what we check
      await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH/)
      anonymous.disconnect()
      const authed = new Redis(guarded.url, { lazyConnect: true })
      expect(await authed.ping()).toBe('PONG')
      authed.disconnect()
    } finally {
      await guarded.stop()
    }
  })
})

describe('counting proxy', () => {
  it('counts a pipelined burst once, each awaited command once, however it is chunked', async () => {
    const { port } = inject('redis').standalone
    const proxy = await startCountingProxy(port)
    const redis = new Redis(proxy.port, '127.0.0.1', { lazyConnect: true })
    try {
      await redis.ping()
      proxy.reset()
      await redis.pipeline().set('a', '1').set('b', '2').get('a').get('b').exec()
      expect(proxy.roundTrips()).toBe(1)
      await redis.get('a')
      await redis.get('b')
      expect(proxy.roundTrips()).toBe(3)
      // A request far larger than one TCP segment, and its large reply, still count once.
      await redis.set('big', 'x'.repeat(4_000_000))
      expect((await redis.get('big'))!.length).toBe(4_000_000)
      expect(proxy.roundTrips()).toBe(5)
    } finally {
      redis.disconnect()
      await proxy.close()
    }
  })
})

describe('global setup', () => {
  it('provides a standalone server and a healthy cluster', async () => {
    const { standalone, cluster } = inject('redis')
    expect(standalone.url).toBe(`redis://127.0.0.1:${standalone.port}`)
    expect(cluster.seeds).toHaveLength(6)
    const [host, port] = cluster.seeds[0]!.split(':')
    const node = new Redis(Number(port), host!, { lazyConnect: true })
    expect(await node.cluster('INFO')).toMatch(/cluster_state:ok/)
    node.disconnect()
  })
})

describe('children', () => {
  it('runs requests in child processes, relays errors and events, and sees them exit', async () => {
    const { url } = inject('redis').standalone
    const children = await startChildren(2, new URL('./fixtures/echo-child.mjs', import.meta.url), { env: { REDIS_URL: url } })
    const results = await Promise.all(children.map((child, i) => child.request('square', { n: 7 + i })))
    expect(results).toEqual([49, 64])
    expect((await children[0]!.waitFor('squaring')).data).toEqual({ n: 7 })
    await expect(children[1]!.request('fail')).rejects.toThrow('failed on purpose')
    await expect(children[1]!.request('crash')).rejects.toThrow(/exited \(code 3[\s\S]*about to crash/)
    await expect(children[1]!.request('square', { n: 1 })).rejects.toThrow(/has exited/)
    expect(await children[1]!.exit()).toEqual({ code: 3, signal: null })
    expect(await children[0]!.exit()).toEqual({ code: 0, signal: null })
  })
})

describe('counting cluster', () => {
  it('routes every node connection through its own counter', async () => {
    const counting = await startCountingCluster(inject('redis').cluster.seeds)
    const cluster = new Cluster(counting.seeds, counting.clusterOptions)
    try {
      await cluster.get('warm-up') // connects and loads the slot map
      await Promise.all(['{a}', '{b}', '{c}', '{d}'].map((tag) => cluster.get(`${tag}x`)))
      counting.reset()
      await cluster.get('{a}k')
      expect([...counting.busyNodes().values()]).toEqual([1])
      expect(counting.roundTrips().size).toBe(6)
    } finally {
      cluster.disconnect()
      await counting.close()
    }
  })
})
