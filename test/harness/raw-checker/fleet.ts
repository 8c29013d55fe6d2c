// A fleet of real processes running the read-after-write workload (workload.mjs) against one
// cache, with a private redis-server as their shared source of truth.
import { randomUUID } from 'node:crypto'
import { cached, createClient, type Client } from 'cacheme'
import { startChildren, type Child } from '../children.js'
import { Redis } from '../ioredis.js'
import { startRedisServer, type RedisServer } from '../redis-server.js'
import { checkReadAfterWrite, type CheckResult, type ProcessRecords } from './check.js'
// @ts-expect-error: a plain .mjs module (it is also what the child processes run)
import { runWorkload, warm as warmWorkload } from './workload.mjs'

const CHILD = new URL('./raw-child.mjs', import.meta.url)

/** Where the cache is: a standalone URL, cluster seeds, or the embedded memory backend (this process only). */
export type CacheTarget = { redis: string } | { cluster: string[] } | 'memory'

export interface FleetOptions {
  cache: CacheTarget
  /** Processes (for 'memory': concurrent workloads in this process). Default 4. */
  processes?: number
  /** The client `timeout` (ms); default: the runtime's. */
  timeoutMs?: number
  /** The client option `local` of every process (JSON); default: none. */
  local?: unknown
  /** A source-of-truth server to use; default: a private one, stopped by `close()`. */
  db?: RedisServer
}

/** What each process runs; see workload.mjs. */
export interface RunOptions {
  durationMs: number
  /** Items 0..items-1; default 16 (few, so reads and writes meet). */
  items?: number
  /** Concurrent read loops per process; default 4. */
  readers?: number
  /** Whether processes write (each its own items: id % processes == index); default true. */
  write?: boolean
  /** Pause between one process's writes; default 5 ms. */
  writeEveryMs?: number
  ops?: ('invalidate' | 'set' | 'refresh')[]
  vias?: ('get' | 'getMany' | 'getP')[]
  maxReads?: number
  lock?: false | { ttl?: string | number; wait?: string | number }
  singleflight?: boolean
  ttl?: number
}

export interface Fleet {
  readonly prefix: string
  readonly processes: number
  /** Child processes (empty for 'memory'). */
  readonly children: Child[]
  /** Nanoseconds since the fleet's time base: the clock of every record, for marking events. */
  now(): number
  /** The full Redis key of item `id` (the workload's store, template `raw:<<id>>`). */
  keyOf(id: number): string
  /** Caches every item once (from the first process), so a run starts warm. */
  warm(items: number): Promise<void>
  /** Runs the workload in every process at once; resolves with every process's records. */
  run(options: RunOptions): Promise<ProcessRecords[]>
  /** Logger op counts per process (HIT, MISS, FETCH, WAIT, ERROR). */
  ops(): Promise<Record<string, number>[]>
  close(): Promise<void>
}

const keyClients = new Map<string, Client>()
/** A memory client with the fleet's prefix, only to build keys (it opens nothing). */
function keyClient(prefix: string): Client {
  let client = keyClients.get(prefix)
  if (!client) keyClients.set(prefix, (client = createClient({ prefix })))
  return client
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const processes = options.processes ?? 4
  const db = options.db ?? (await startRedisServer())
  const ownDb = options.db === undefined
  const prefix = `raw-${randomUUID().slice(0, 8)}`
  const dbPrefix = prefix
  // One time base for every process, so their hrtime readings are comparable as Numbers.
  const base = process.hrtime.bigint()
  let children: Child[] = []
  let local: { client: ReturnType<typeof createClient>; db: Redis; ops: Record<string, number> } | undefined
  try {
    if (options.cache === 'memory') {
      const ops: Record<string, number> = {}
      local = {
        client: createClient({
          prefix,
          logger: {
            log: (_s, _k, op) => {
              ops[op] = (ops[op] ?? 0) + 1
            },
          },
        }),
        db: new Redis(db.url),
        ops,
      }
    } else {
      const env: Record<string, string> = { DB_URL: db.url, PREFIX: prefix, BASE_NS: String(base) }
      if ('redis' in options.cache) env.REDIS_URL = options.cache.redis
      else env.CLUSTER_SEEDS = options.cache.cluster.join(',')
      if (options.timeoutMs !== undefined) env.TIMEOUT_MS = String(options.timeoutMs)
      if (options.local !== undefined) env.LOCAL = JSON.stringify(options.local)
      children = await startChildren(processes, CHILD, { env })
    }
  } catch (error) {
    if (ownDb) await db.stop()
    throw error
  }

  const argsFor = (run: RunOptions, index: number) => {
    const items = run.items ?? 16
    const writeIds = run.write === false ? [] : Array.from({ length: items }, (_, id) => id).filter((id) => id % processes === index)
    const { write: _write, ...rest } = run
    return { ...rest, items, dbPrefix, writeIds, writeEveryMs: run.writeEveryMs ?? 5 }
  }

  const keys = cached('raw:<<id>>', ({ id }: { id: number }) => id, { client: keyClient(prefix) })
  return {
    prefix,
    processes,
    children,
    now: () => Number(process.hrtime.bigint() - base),
    keyOf: (id) => keys.key({ id }),
    async warm(items) {
      if (local) await warmWorkload({ client: local.client, db: local.db, dbPrefix, items })
      else await children[0]!.request('warm', { dbPrefix, items }, 60_000)
    },
    async run(run) {
      const bound = run.durationMs + 60_000
      if (local) {
        const { client, db: dbConnection } = local
        return Promise.all(
          Array.from(
            { length: processes },
            (_, i) => runWorkload({ ...argsFor(run, i), client, db: dbConnection, base }) as Promise<ProcessRecords>,
          ),
        )
      }
      return Promise.all(children.map((child, i) => child.request<ProcessRecords>('run', argsFor(run, i), bound)))
    },
    async ops() {
      if (local) return [{ ...local.ops }]
      return Promise.all(children.map((c) => c.request<Record<string, number>>('ops')))
    },
    async close() {
      try {
        if (local) {
          await local.client.close()
          local.db.disconnect()
        }
        await Promise.all(children.map((c) => c.exit()))
      } finally {
        if (ownDb) await db.stop()
      }
    },
  }
}

/** Starts a fleet, runs the workload once, checks it, and closes the fleet. */
export async function runReadAfterWrite(fleet: FleetOptions, run: RunOptions): Promise<CheckResult> {
  const started = await startFleet(fleet)
  try {
    return checkReadAfterWrite(await started.run(run))
  } finally {
    await started.close()
  }
}
