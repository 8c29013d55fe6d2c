// The local tier on Redis Cluster: tracking per node, and what a failover or a slot migration
// does to what the tier keeps (private clusters for the faults).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import {
  currentMasters,
  keySlot,
  manualFailover,
  migrateSlot,
  ownerPort,
  replicaOf,
  startFaultCluster,
} from '../../harness/cluster-faults.js'
import { Cluster } from '../../harness/ioredis.js'
import type { RedisCluster } from '../../harness/redis-cluster.js'
import { opLog, until, warmLocal } from './helpers.js'

interface Item {
  id: number
  by: string
}

function readerOn(seeds: string[]) {
  const prefix = `local-${randomUUID().slice(0, 8)}`
  const log = opLog()
  const client = createClient({ cluster: seeds, prefix, local: true, logger: log.logger })
  let fetches = 0
  const store = cached('item:<<id>>', ({ id }: { id: number }): Item => ({ id, by: `fetch ${++fetches}` }), { ttl: '1m', client })
  return { log, client, store, fetches: () => fetches }
}

describe('local tier (cluster)', () => {
  const clients: Client[] = []
  const raws: InstanceType<typeof Cluster>[] = []
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    for (const r of raws) r.disconnect()
  })

  it('keeps keys of every master locally and hears of raw writes on each', async () => {
    const { seeds } = inject('redis').cluster
    const r = readerOn(seeds)
    clients.push(r.client)
    const raw = new Cluster(seeds)
    raws.push(raw)
    const ids = Array.from({ length: 12 }, (_, i) => i)
    // The shared cluster splits the slots evenly over its 3 masters.
    const masters = new Set(ids.map((id) => Math.floor(keySlot(r.store.key({ id })) / 5462)))
    expect(masters.size).toBeGreaterThan(1)
    for (const id of ids) await warmLocal(() => r.store.get({ id }), r.log)
    const before = r.log.ops.length
    for (const id of ids) await r.store.get({ id })
    expect(r.log.ops.slice(before)).toEqual(ids.map(() => 'LOCAL'))
    await Promise.all(ids.map((id) => raw.del(r.store.key({ id }))))
    for (const id of ids) {
      await until(`the DEL of ${id} is seen`, async () => (await r.store.get({ id })).by !== 'fetch ' + String(id + 1))
    }
  })

  describe('faults', () => {
    let cluster: RedisCluster
    beforeAll(async () => {
      cluster = await startFaultCluster()
    }, 60_000)
    afterAll(async () => {
      await cluster?.stop()
    })

    it('a slot migration drops the moved keys; writes on the new owner reach the reader; caching resumes', async () => {
      const r = readerOn(cluster.seeds)
      clients.push(r.client)
      const raw = new Cluster(cluster.seeds)
      raws.push(raw)
      const key = r.store.key({ id: 1 })
      const slot = keySlot(key)
      await warmLocal(() => r.store.get({ id: 1 }), r.log)
      const from = await ownerPort(cluster.nodes[0]!, slot)
      const to = (await currentMasters(cluster)).find((m) => m.port !== from)!
      await migrateSlot(cluster, slot, to)
      await raw.set(key, 'changed on the new owner')
      await until('the write on the new owner is seen', async () => (await r.store.get({ id: 1 })).by === 'fetch 2', 10_000)
      await warmLocal(() => r.store.get({ id: 1 }), r.log)
      await raw.del(key)
      await until('a write after the move is heard from the new owner', async () => (await r.store.get({ id: 1 })).by === 'fetch 3', 10_000)
    }, 60_000)

    it('a failover: writes on the promoted replica reach the reader; caching resumes', async () => {
      const r = readerOn(cluster.seeds)
      clients.push(r.client)
      const raw = new Cluster(cluster.seeds)
      raws.push(raw)
      const key = r.store.key({ id: 2 })
      const slot = keySlot(key)
      await warmLocal(() => r.store.get({ id: 2 }), r.log)
      const masterPort = await ownerPort(cluster.nodes[0]!, slot)
      const master = cluster.nodes.find((n) => n.port === masterPort)!
      await manualFailover(cluster, await replicaOf(cluster, master))
      await until(
        'the raw client writes on the new master',
        async () => {
          try {
            await raw.set(key, 'changed after the failover')
            return true
          } catch {
            return false
          }
        },
        10_000,
      )
      await until('the write on the promoted replica is seen', async () => (await r.store.get({ id: 2 })).by === 'fetch 2', 10_000)
      await warmLocal(() => r.store.get({ id: 2 }), r.log)
      await raw.del(key)
      await until('a write after the failover is heard', async () => (await r.store.get({ id: 2 })).by === 'fetch 3', 10_000)
      expect(r.log.ops).toContain('LOCAL')
    }, 60_000)
  })
})
