import type { Script } from '../herd/scripts.js'
import type { BatchScripts } from '../herd/batch-scripts.js'
import type { AcquireResult, BatchLock, IndexName, IndexedKey, Lock, LockOutcome } from './backend.js'
import { scoreOf } from './pruning.js'

/** Each item by the key's own lock step: the memory backend's way, and a cluster's for keys whose slot moved. */
export function perKeyBatchLock(lock: Lock): BatchLock {
  return {
    acquire: (items, lockTtlMs, ttlMs) =>
      Promise.all(
        items.map((item) =>
          lock
            .acquire(item, item.head, lockTtlMs, item.replace ? { mode: 'replace', bytes: item.replace } : { mode: 'missing' }, ttlMs)
            .catch(asError),
        ),
      ),
    extend: async (items, lockTtlMs) => {
      await Promise.all(items.map((item) => lock.extend(item, item.head, lockTtlMs).catch(() => false)))
    },
    settle: (items) =>
      Promise.all(
        items.map((item) =>
          (item.value
            ? lock.commit({ ...item, value: item.value }, item.head, item.notice ?? Buffer.alloc(0))
            : lock.release(item.key, item.head, item.notice)
          ).catch(asError),
        ),
      ),
  }
}

type Arg = string | Buffer | number

/** What a Redis backend lends the batch: where keys live and how to run a script on one node. */
export interface NodeScripts {
  readonly scripts: BatchScripts
  /** Whether the server runs the batch scripts (a cluster's need Redis >= 7); otherwise every item goes key by key. */
  supported(): Promise<boolean>
  /** Key positions by the node that serves them. */
  groups(keys: readonly string[]): Map<string, number[]>
  /** The script's reply from `node` (under its health; its keys are in `args`), or undefined when there is no connection to that node. */
  run(node: string, script: Script, args: Arg[]): Promise<unknown> | undefined
  /** Every set that lists an entry's key, as the single-key scripts get them: its index first, then its tags' sets (on a cluster, in the key's slot). */
  setsOf(entry: IndexedKey): string[]
  /** A set in the key's slot (the pending set of a fill whose tags come with the value). */
  inSlot(set: IndexName, key: string): string
  /** The prune count for the next write's script (pruning.ts Pruning.next()). */
  prune(): string
  publishCommand(): Promise<string>
  /** A node refused the batch because slots moved: its keys go again one by one (redirected). */
  moved(error: unknown): boolean
  /** The key's own lock steps (the per-key scripts, which follow redirects). */
  readonly single: Lock
}

/** One script per node (standalone: one in all); a node whose slots moved under it has its keys done one by one. */
export function nodeBatchLock(io: NodeScripts): BatchLock {
  const perKey = perKeyBatchLock(io.single)
  /** Runs `script` per node over its items; `fallback` does a node's items key by key. */
  async function perNode<I extends { key: string }, O>(
    items: readonly I[],
    script: Script,
    shared: Arg[],
    argsOf: (item: I) => Arg[],
    read: (reply: unknown) => O,
    fallback: (items: I[]) => Promise<(O | Error)[]>,
  ): Promise<(O | Error)[]> {
    if (!(await io.supported())) return fallback([...items])
    const out: (O | Error)[] = new Array(items.length)
    const groups = io.groups(items.map((item) => item.key))
    await Promise.all(
      [...groups].map(async ([node, positions]) => {
        const mine = positions.map((i) => items[i]!)
        const running = io.run(node, script, [...shared, pack(mine.map(argsOf))])
        let replies: unknown[] | undefined
        try {
          replies = running ? ((await running) as unknown[]) : undefined
        } catch (error) {
          if (!io.moved(error)) {
            for (const i of positions) out[i] = asError(error)
            return
          }
        }
        if (!replies) {
          const again = await fallback(mine)
          positions.forEach((i, n) => {
            out[i] = again[n]!
          })
          return
        }
        positions.forEach((i, n) => {
          out[i] = read(replies![n])
        })
      }),
    )
    return out
  }
  return {
    acquire: (items, lockTtlMs, ttlMs) => {
      const now = Date.now()
      return perNode(
        items,
        io.scripts.acquire,
        [lockTtlMs, scoreOf(now, lockTtlMs + ttlMs), now],
        (item) => [item.key, item.head, item.replace ? 'replace' : 'missing', item.replace ?? '', io.prune(), ...counted(io.setsOf(item))],
        (reply): AcquireResult => {
          const [taken, current, pttlMs] = reply as [number, Buffer?, number?]
          return taken === 1 ? { acquired: true } : { acquired: false, current: current!, pttlMs: pttlMs! }
        },
        (mine) => perKey.acquire(mine, lockTtlMs, ttlMs),
      )
    },
    extend: async (items, lockTtlMs) => {
      await perNode(
        items,
        io.scripts.extend,
        [lockTtlMs],
        (item) => [item.key, item.head, ...counted(io.setsOf(item))],
        () => undefined,
        async (mine) => {
          await perKey.extend(mine, lockTtlMs)
          return mine.map(() => undefined)
        },
      )
    },
    settle: async (items) => {
      const publish = items.some((item) => item.notice) ? await io.publishCommand() : ''
      const now = Date.now()
      return perNode(
        items,
        io.scripts.settle,
        [publish, now],
        (item) => {
          const fields: Arg[] = [
            item.key,
            item.value ? 'c' : 'r',
            item.head,
            item.value ?? '',
            item.ttlMs,
            item.noticeOfValue ? '=' : (item.notice ?? ''),
          ]
          if (!item.value) return [...fields, 0, '0', '0', 0] // a release lists the key nowhere
          const sets = io.setsOf(item)
          if (item.pending) sets.push(io.inSlot(item.pending, item.key))
          return [...fields, scoreOf(now, item.ttlMs), io.prune(), item.pending ? '1' : '0', ...counted(sets)]
        },
        (reply): LockOutcome => {
          const [done, error] = reply as [number, Buffer | string | null | undefined]
          return error ? { done: done === 1, notifyError: error.toString() } : { done: done === 1 }
        },
        (mine) => perKey.settle(mine),
      )
    },
  }
}

/** A key's sets as the scripts read them after its fixed fields: how many, then their names. */
function counted(sets: string[]): Arg[] {
  return [sets.length, ...sets]
}

/** Every key's fields in one argument, as the scripts read them: per field a 4-byte big-endian length, then its bytes. */
function pack(rows: Arg[][]): Buffer {
  let size = 0
  for (const row of rows)
    for (const field of row)
      size += 4 + (typeof field === 'string' ? Buffer.byteLength(field) : typeof field === 'number' ? String(field).length : field.length)
  const out = Buffer.allocUnsafe(size)
  let at = 0
  for (const row of rows) {
    for (const field of row) {
      const start = at + 4
      const end =
        typeof field === 'string'
          ? start + out.write(field, start)
          : typeof field === 'number'
            ? start + out.write(String(field), start, 'latin1')
            : start + field.copy(out, start)
      out.writeUInt32BE(end - start, at)
      at = end
    }
  }
  return out
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
