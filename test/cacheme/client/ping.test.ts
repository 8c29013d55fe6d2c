import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { CacheUnavailableError, createClient, type Client } from 'cacheme'
import { debugSleep, startFaultCluster } from '../../harness/cluster-faults.js'
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy.js'

const TIMEOUT_MS = 300
let client: Client | undefined
let proxy: FaultProxy | undefined

afterEach(async () => {
  await client?.close()
  await proxy?.close()
  client = proxy = undefined
})

/** The rejection of `promise` and how long it took to come. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now()
  try {
    await promise
  } catch (error) {
    return { error, ms: performance.now() - started }
  }
  throw new Error('expected a rejection, it resolved')
}

describe('client.ping()', () => {
  test('the memory backend resolves at once', async () => {
    client = createClient()
    await expect(client.ping()).resolves.toBeUndefined()
  })

  test('a Redis server that answers: resolves', async () => {
    client = createClient({ redis: inject('redis').standalone.url, prefix: `ping-${randomUUID()}` })
    await expect(client.ping()).resolves.toBeUndefined()
  })

  test('a Redis Cluster: resolves when every master answers', async () => {
    client = createClient({ cluster: inject('redis').cluster.seeds, prefix: `ping-${randomUUID()}` })
    await expect(client.ping()).resolves.toBeUndefined()
  })

  test('a cluster with one master hung: rejects naming that master, within the client timeout', async () => {
    const cluster = await startFaultCluster({ masters: 3, replicasPerMaster: 0 }) // no replica: no failover meanwhile
    try {
      client = createClient({ cluster: cluster.seeds, timeout: TIMEOUT_MS, prefix: `ping-${randomUUID()}` })
      await client.ping()
      const hung = cluster.masters[1]!
      const { done } = await debugSleep(hung, 2)
      try {
        const { error, ms } = await rejection(client.ping())
        expect(error).toBeInstanceOf(CacheUnavailableError)
        expect((error as Error).message).toBe(`cacheme: Redis node ${hung.host}:${hung.port} did not answer within ${TIMEOUT_MS} ms`)
        expect(ms).toBeLessThan(TIMEOUT_MS + 500)
      } finally {
        await done
      }
    } finally {
      await client?.close()
      client = undefined
      await cluster.stop()
    }
  })

  test('a hung Redis: rejects with CacheUnavailableError naming the node, within the client timeout', async () => {
    proxy = await startFaultProxy(inject('redis').standalone.port)
    client = createClient({ redis: proxy.url, timeout: TIMEOUT_MS, prefix: `ping-${randomUUID()}` })
    await client.ping()
    proxy.stall()
    const { error, ms } = await rejection(client.ping())
    expect(error).toBeInstanceOf(CacheUnavailableError)
    expect((error as Error).message).toBe(`cacheme: Redis node redis did not answer within ${TIMEOUT_MS} ms`)
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5)
    expect(ms).toBeLessThan(TIMEOUT_MS + 500)
    proxy.resume()
    await expect(client.ping()).resolves.toBeUndefined() // ready again
  })

  test('a blackholed Redis (accepts, never answers) never becomes ready: rejects within the timeout', async () => {
    proxy = await startFaultProxy(inject('redis').standalone.port)
    proxy.blackhole(true)
    client = createClient({ redis: proxy.url, timeout: TIMEOUT_MS, prefix: `ping-${randomUUID()}` })
    const { error, ms } = await rejection(client.ping())
    expect(error).toBeInstanceOf(CacheUnavailableError)
    expect(ms).toBeLessThan(TIMEOUT_MS + 500)
  })

  test('a closed client rejects with CacheUnavailableError', async () => {
    client = createClient()
    await client.close()
    const { error } = await rejection(client.ping())
    expect(error).toBeInstanceOf(CacheUnavailableError)
    expect((error as Error).message).toBe('cacheme: the client is closed')
  })
})
