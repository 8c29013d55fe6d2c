// Each cluster fault helper on one private cluster (3 masters + 3 replicas, node timeout 1 s),
// one after the other: every step reads the topology the previous one left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clusterSlots,
  currentMasters,
  debugSleep,
  keyInSlot,
  keySlot,
  killMaster,
  manualFailover,
  migrateSlot,
  ownerPort,
  replicaOf,
  reshard,
  roleOf,
  slotOf,
  startFaultCluster,
  waitForPromotion,
  waitForRole,
} from './cluster-faults.js'
import { Cluster, Redis } from './ioredis.js'
import type { RedisCluster } from './redis-cluster.js'

describe('cluster fault helpers', () => {
  let cluster: RedisCluster
  let client: Cluster
  beforeAll(async () => {
    cluster = await startFaultCluster()
    client = new Cluster(cluster.seeds, { slotsRefreshTimeout: 500 })
  })
  afterAll(async () => {
    client?.disconnect()
    await cluster?.stop()
  })

  it('keySlot agrees with CLUSTER KEYSLOT, hash tags included', async () => {
    const node = new Redis(cluster.nodes[0]!.port, '127.0.0.1', { lazyConnect: true })
    try {
      for (const key of ['a', 'cacheme:user:42:v1', '{user}:1', 'x{}y', '{}', 'é中', 'a{b}c{d}']) {
        expect(keySlot(key), key).toBe(await node.cluster('KEYSLOT', key))
      }
      expect(keySlot(keyInSlot(1234))).toBe(1234)
    } finally {
      node.disconnect()
    }
  })

  it('migrateSlot moves a slot and its keys in batches; reshard moves many slots', async () => {
    const [a, b] = await currentMasters(cluster)
    const slot = await slotOf(a!)
    const keys = Array.from({ length: 25 }, (_, i) => `{${keyInSlot(slot)}}:${i}`)
    await Promise.all(keys.map((k) => client.set(k, k)))
    const progress: number[] = []
    const moved = await migrateSlot(cluster, slot, b!, {
      batch: 7,
      onBatch: (n) => {
        progress.push(n)
      },
    })
    expect(moved).toBe(25)
    expect(progress).toEqual([0, 7, 14, 21, 25])
    for (const node of await currentMasters(cluster)) expect(await ownerPort(node, slot)).toBe(b!.port)
    expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys)

    const slots = await reshard(cluster, a!, b!, 5)
    expect(slots).toHaveLength(5)
    for (const s of slots) expect(await ownerPort(b!, s)).toBe(b!.port)
  })

  it('manualFailover swaps a master and its replica', async () => {
    const [master] = await currentMasters(cluster)
    const replica = await replicaOf(cluster, master!)
    expect(await manualFailover(cluster, replica)).toBe(master!.port)
    expect(await roleOf(replica)).toBe('master')
    expect(await roleOf(master!)).toBe('slave')
  })

  it('debugSleep hangs a master until its replica is promoted; it wakes up a replica', async () => {
    const [sleeper] = await currentMasters(cluster)
    const slot = await slotOf(sleeper!)
    // Long enough for the failover (about 2-3 s at node timeout 1 s) on a busy machine.
    const { done } = await debugSleep(sleeper!, 8)
    const promoted = await waitForPromotion(cluster, slot, sleeper!.port)
    expect(promoted.port).not.toBe(sleeper!.port)
    await done
    await waitForRole(sleeper!, 'slave')
  })

  it('killMaster SIGKILLs a master; waitForPromotion sees its replica take over', async () => {
    const [victim] = await currentMasters(cluster)
    const slot = await slotOf(victim!)
    await killMaster(victim!)
    expect(victim!.running).toBe(false)
    const promoted = await waitForPromotion(cluster, slot, victim!.port)
    const ranges = await clusterSlots(promoted)
    expect(ranges.some((r) => r.master.port === promoted.port && r.from <= slot && slot <= r.to)).toBe(true)
  })
})
