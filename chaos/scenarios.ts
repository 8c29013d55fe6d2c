// The long chaos scenarios (issue 10, "Chaos in the project"; issue 9, the 60 s read-after-write
// run). Each starts the servers it needs on 127.0.0.1, runs 4 client processes, injects its
// faults on a fixed schedule (the scenario's shape, not a synchronisation) and stops by itself.
import {
  clusterSlots,
  currentMasters,
  debugSleep,
  keySlot,
  killMaster,
  migrateSlot,
  reshard,
  startFaultCluster,
  waitForPromotion,
} from '../test/harness/cluster-faults.js'
import { startFaultProxy } from '../test/harness/fault-proxy.js'
import type { RedisCluster } from '../test/harness/redis-cluster.js'
import { startRedisServer } from '../test/harness/redis-server.js'
import { fillSlot, LOAD, runLoad, type ScenarioResult } from './load.js'

/** Scales every duration (`--quick` runs the whole suite in a fraction of the time). */
export interface Pace {
  scale: number
}

const node = (port: number) => ({ host: '127.0.0.1', port })

/** Groups items by the master that owns their slot now, labelled M1.. with the port. */
async function byMaster(cluster: RedisCluster, keyOf: (id: number) => string, items: number) {
  const ranges = await clusterSlots((await currentMasters(cluster))[0]!)
  const ports = [...new Set(ranges.map((r) => r.master.port))].sort((a, b) => a - b)
  const owner = new Int32Array(items)
  for (let id = 0; id < items; id++) {
    const slot = keySlot(keyOf(id))
    owner[id] = ports.indexOf(ranges.find((r) => r.from <= slot && slot <= r.to)!.master.port)
  }
  return { labels: ports.map((p, i) => `M${i + 1} :${p}`), groupOf: (id: number) => owner[id]! }
}

export async function standaloneStall(pace: Pace): Promise<ScenarioResult> {
  const server = await startRedisServer({ args: ['--enable-debug-command', 'local'] })
  try {
    return await runLoad(
      'standalone-stall',
      'Short stall on standalone',
      'DEBUG SLEEP 1.2 on the standalone server while 4 processes read 1,000 cached keys (timeout 1 s).',
      {
        cache: { redis: server.url },
        masters: async () => [node(server.port)],
        nodes: async () => [node(server.port)],
        warmItems: 1000,
        run: { ...LOAD, durationMs: 8000 * pace.scale },
        schedule: async ({ at, mark }) => {
          await at(3000 * pace.scale)
          const { done } = await debugSleep(server, 1.2)
          mark('DEBUG SLEEP 1.2')
          await done
          mark('server answers again')
        },
      },
    )
  } finally {
    await server.stop()
  }
}

export async function flakyNetwork(pace: Pace): Promise<ScenarioResult> {
  const server = await startRedisServer()
  const proxy = await startFaultProxy(server.port)
  const s = pace.scale
  try {
    return await runLoad(
      'flaky-network',
      'Flaky network (fault proxy)',
      'Standalone behind the fault proxy: latency 30 ms, a 600 ms stall, resets, 200 ms reply latency, a 1.5 s stall, refused reconnects, a 1 s blackhole of new connections, then 11 s without faults (timeout 1 s).',
      {
        cache: { redis: proxy.url },
        masters: async () => [node(server.port)],
        nodes: async () => [node(server.port)],
        warmItems: 1000,
        run: { ...LOAD, durationMs: 30_000 * s },
        schedule: async ({ at, mark }) => {
          await at(2000 * s)
          proxy.latency(30)
          mark('latency 30 ms each way')
          await at(5000 * s)
          proxy.latency(0)
          proxy.stall()
          mark('stall')
          await at(5000 * s + 600)
          proxy.resume()
          mark('resume (600 ms stall)')
          await at(8000 * s)
          proxy.reset()
          mark('reset every connection')
          await at(10_000 * s)
          proxy.latency(200, 'toClient')
          mark('reply latency 200 ms')
          await at(12_000 * s)
          proxy.latency(0)
          proxy.stall()
          mark('stall')
          await at(12_000 * s + 1500)
          proxy.resume()
          mark('resume (1.5 s stall)')
          await at(15_000 * s)
          proxy.drop()
          proxy.reset()
          mark('reset, new connections refused')
          await at(16_000 * s)
          proxy.drop(false)
          mark('connections accepted again')
          await at(18_000 * s)
          proxy.blackhole()
          proxy.reset()
          mark('reset, new connections blackholed')
          await at(19_000 * s)
          proxy.blackhole(false)
          mark('blackhole off')
        },
      },
    )
  } finally {
    proxy.clear()
    await proxy.close()
    await server.stop()
  }
}

/** The hung master's sleep: 30 s (issue 10's figure), less in a quick run. */
const sleepSeconds = (scale: number) => Math.max(6, Math.round(30 * scale))

/** Resharding, then a hung master, then a killed one, on one private cluster (node timeout 2 s). */
export async function clusterScenarios(pace: Pace): Promise<ScenarioResult[]> {
  const cluster = await startFaultCluster({ nodeTimeoutMs: 2000 })
  const s = pace.scale
  const results: ScenarioResult[] = []
  const masters = async () => (await currentMasters(cluster)).map((m) => node(m.port))
  const nodes = async () => cluster.nodes.filter((n) => n.running).map((n) => node(n.port))
  const common = {
    cache: { cluster: cluster.seeds },
    masters,
    nodes,
    warmItems: 1000,
    groups: (keyOf: (id: number) => string) => byMaster(cluster, keyOf, 1000),
  }
  try {
    let slot = -1
    results.push(
      await runLoad(
        'resharding',
        'Resharding under load',
        'One slot holding an item and 200 filler keys migrated slowly (MIGRATE 5 keys every 100 ms), then 200 more slots resharded from one master to another, while 4 processes read 1,000 cached keys (timeout 1 s).',
        {
          ...common,
          run: { ...LOAD, durationMs: 30_000 * s },
          prepare: async (keyOf) => {
            slot = keySlot(keyOf(0))
            await fillSlot(cluster.seeds, keyOf(0), 200)
          },
          schedule: async ({ at, mark }) => {
            const all = await currentMasters(cluster)
            const ranges = await clusterSlots(all[0]!)
            const from = ranges.find((r) => r.from <= slot && slot <= r.to)!.master.port
            const to = all.find((m) => m.port !== from)!
            await at(3000 * s)
            mark(`slot ${slot} migrating :${from} → :${to.port}`)
            const moved = await migrateSlot(cluster, slot, to, { batch: 5, pauseMs: 100 })
            mark(`slot ${slot} moved (${moved} keys)`)
            await at(12_000 * s)
            const source = all.find((m) => m.port !== to.port)!
            mark(`resharding 200 slots :${source.port} → :${to.port}`)
            const slots = await reshard(cluster, source, to, 200, { batch: 10 })
            mark(`resharded ${slots.length} slots`)
          },
        },
      ),
    )

    results.push(
      await runLoad(
        'failover-sleep',
        'Failover under load: a hung master',
        'DEBUG SLEEP 30 on one master (node timeout 2 s): its replica is promoted while it sleeps; 4 processes read 1,000 cached keys (timeout 1 s).',
        {
          ...common,
          run: { ...LOAD, durationMs: (4000 + 8000) * s + sleepSeconds(s) * 1000 },
          schedule: async ({ at, mark }) => {
            const [victim] = await currentMasters(cluster)
            const victimSlot = (await clusterSlots(victim!)).find((r) => r.master.port === victim!.port)!.from
            await at(4000 * s)
            const seconds = sleepSeconds(s)
            const { done } = await debugSleep(victim!, seconds)
            mark(`DEBUG SLEEP ${seconds} on :${victim!.port}`)
            const promoted = await waitForPromotion(cluster, victimSlot, victim!.port, 60_000)
            mark(`replica :${promoted.port} promoted`)
            await done
            mark(`:${victim!.port} awake`)
          },
        },
      ),
    )

    results.push(
      await runLoad(
        'failover-kill',
        'Failover under load: a killed master',
        'SIGKILL of one master (node timeout 2 s) while 4 processes read 1,000 cached keys (timeout 1 s).',
        {
          ...common,
          run: { ...LOAD, durationMs: 20_000 * s },
          schedule: async ({ at, mark }) => {
            const all = await currentMasters(cluster)
            const victim = all[all.length - 1]!
            const victimSlot = (await clusterSlots(victim)).find((r) => r.master.port === victim.port)!.from
            await at(4000 * s)
            await killMaster(victim)
            mark(`SIGKILL :${victim.port}`)
            const promoted = await waitForPromotion(cluster, victimSlot, victim.port, 60_000)
            mark(`replica :${promoted.port} promoted`)
          },
        },
      ),
    )
  } finally {
    await cluster.stop()
  }
  return results
}

/** 60 s of the read-after-write checker on standalone (and 30 s on a cluster). */
export async function readAfterWrite(pace: Pace): Promise<ScenarioResult[]> {
  const server = await startRedisServer()
  const results: ScenarioResult[] = []
  const raw = { items: 16, readers: 4, write: true, writeEveryMs: 5, maxReads: 1_000_000 } as const
  try {
    results.push(
      await runLoad(
        'read-after-write',
        'Read after write, standalone (60 s)',
        '4 processes; each writes its own items of 16 (bump the version in a private source-of-truth Redis, then invalidate / set / refresh) and reads all of them (get, getMany, getP).',
        {
          cache: { redis: server.url },
          masters: async () => [node(server.port)],
          nodes: async () => [node(server.port)],
          run: { ...raw, durationMs: 60_000 * pace.scale },
        },
      ),
    )
  } finally {
    await server.stop()
  }
  const cluster = await startFaultCluster({ nodeTimeoutMs: 2000 })
  try {
    results.push(
      await runLoad('read-after-write-cluster', 'Read after write, cluster (30 s)', 'The same on a 3 + 3 cluster.', {
        cache: { cluster: cluster.seeds },
        masters: async () => (await currentMasters(cluster)).map((m) => node(m.port)),
        nodes: async () => cluster.nodes.map((n) => node(n.port)),
        run: { ...raw, durationMs: 30_000 * pace.scale },
      }),
    )
  } finally {
    await cluster.stop()
  }
  return results
}
