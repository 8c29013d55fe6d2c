// One scenario's load: a fleet of 4 real processes reading (and lightly writing) through cacheme
// while a fault schedule runs, then what it left behind. Numbers only; nothing here asserts.
import { Cluster } from '../test/harness/ioredis.js'
import { startFleet, type CacheTarget, type RunOptions } from '../test/harness/raw-checker/fleet.js'
import { markersLeft, subscriptionsLeft, type Subscriptions } from './leaks.js'
import { measure, type Figures } from './measure.js'

type Node = { host: string; port: number }

export interface ScenarioEvent {
  atS: number
  what: string
}

export interface ScenarioResult {
  name: string
  title: string
  what: string
  wallS: number
  figures?: Figures
  /** Whether every fetch counts as an extra one (all items cached before, writes only `set`). */
  fetchesAreExtra: boolean
  events: ScenarioEvent[]
  markersLeft?: number
  subscriptionsLeft?: Subscriptions
  /** Logger ops summed over the processes (HIT, MISS, FETCH, WAIT, ERROR). */
  ops?: Record<string, number>
  error?: string
}

export interface Timeline {
  /** Resolves `ms` after the load started (the fault schedule's clock). */
  at(ms: number): Promise<void>
  /** Records an event at the current time of the load. */
  mark(what: string): void
}

export interface LoadOptions {
  cache: CacheTarget
  /** Where to look for leftovers: value-key masters, and every node for subscriptions. */
  masters: () => Promise<Node[]>
  nodes: () => Promise<Node[]>
  timeoutMs?: number
  run: Omit<RunOptions, 'durationMs'> & { durationMs: number }
  /** Items to cache before the load (all of them, so every later fetch is an extra one). */
  warmItems?: number
  /** The item → group (e.g. master at the start) mapping for the hit ratio over time. */
  groups?: (keyOf: (id: number) => string) => Promise<{ labels: string[]; groupOf: (id: number) => number }>
  /** Before the load starts (after warming), e.g. to add filler keys to a slot. */
  prepare?: (keyOf: (id: number) => string) => Promise<void>
  schedule?: (timeline: Timeline, keyOf: (id: number) => string) => Promise<void>
}

/** The default load: 4 readers per process over all items, get-heavy; writes with `set` only. */
export const LOAD: Omit<RunOptions, 'durationMs'> = {
  items: 1000,
  readers: 4,
  write: true,
  ops: ['set'],
  writeEveryMs: 50,
  vias: ['get', 'get', 'getMany', 'getP'],
  maxReads: 1_000_000,
}

export async function runLoad(name: string, title: string, what: string, options: LoadOptions): Promise<ScenarioResult> {
  const wallStart = Date.now()
  const events: ScenarioEvent[] = []
  const onlySets = (options.run.ops ?? []).every((op) => op === 'set') && (options.run.ops ?? []).length > 0
  const result: ScenarioResult = { name, title, what, wallS: 0, events, fetchesAreExtra: onlySets && options.warmItems !== undefined }
  const fleet = await startFleet({ cache: options.cache, processes: 4, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })
  try {
    if (options.warmItems) await fleet.warm(options.warmItems)
    await options.prepare?.(fleet.keyOf)
    const groups = await options.groups?.(fleet.keyOf)
    const startNs = fleet.now()
    const timeline: Timeline = {
      at: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, startNs / 1e6 + ms - fleet.now() / 1e6))),
      mark: (what) => {
        events.push({ atS: (fleet.now() - startNs) / 1e9, what })
      },
    }
    const load = fleet.run(options.run)
    const schedule = (options.schedule?.(timeline, fleet.keyOf) ?? Promise.resolve()).catch((error: Error) => {
      timeline.mark(`fault schedule failed: ${error.message}`)
    })
    const [records] = await Promise.all([load, schedule])
    timeline.mark('load stopped')
    result.figures = measure(records, { startNs, ...(groups ? { groupOf: groups.groupOf, groups: groups.labels } : {}) })
    const ops: Record<string, number> = {}
    for (const counts of await fleet.ops()) for (const [op, n] of Object.entries(counts)) ops[op] = (ops[op] ?? 0) + n
    result.ops = ops
    // Leftovers, while the processes still run (a subscription outliving its waiter shows here).
    result.markersLeft = await markersLeft(await options.masters(), fleet.prefix).catch(() => -1)
    result.subscriptionsLeft = await subscriptionsLeft(await options.nodes()).catch(() => undefined)
  } catch (error) {
    result.error = (error as Error).stack ?? String(error)
  } finally {
    await fleet.close().catch((error: Error) => {
      result.error ??= `closing the fleet: ${error.message}`
    })
    result.wallS = (Date.now() - wallStart) / 1000
  }
  return result
}

/** Writes `count` filler keys (1 KB each, TTL 1 h) into the slot of `key`, via its hash tag. */
export async function fillSlot(clusterSeeds: string[], key: string, count: number): Promise<void> {
  const cluster = new Cluster(clusterSeeds)
  try {
    const value = 'x'.repeat(1024)
    for (let i = 0; i < count; i += 50) {
      const batch = cluster.pipeline()
      for (let j = i; j < Math.min(count, i + 50); j++) batch.set(`{${key}}:filler:${j}`, value, 'EX', 3600)
      await batch.exec()
    }
  } finally {
    cluster.disconnect()
  }
}
