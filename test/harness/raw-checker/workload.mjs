// The read-after-write workload of one process (a child of raw-child.mjs, or the test process
// itself for the memory backend). It uses only cacheme's public API, so it runs unchanged on
// any runtime that keeps the contract's names.
//
// The source of truth is a separate redis-server (`db`): an item's version is `INCR`ed there
// (atomic across processes), and the store's fetcher reads it with `GET`. Writers own their
// items (no two writers write one item), so their writes of an item are ordered; each write
// first bumps the version, then tells the cache (invalidate / set / refresh) and records when
// that resolved. Readers record when each read *started* and the version it returned.
//
// Times are `process.hrtime.bigint()` (CLOCK_MONOTONIC, one clock for every process of the
// machine on Linux) minus a base the parent hands out, as Numbers of nanoseconds.
import { cached } from 'cacheme'

/** Field order of one read record (a flat Float64Array, READ_FIELDS numbers per read). */
export const READ_FIELDS = 5 // id, startNs, endNs, version (-1: rejected), via (0 get, 1 getMany, 2 getP)
export const WRITE_FIELDS = 5 // id, startNs, resolvedNs, version, op (0 invalidate, 1 set, 2 refresh)
export const FETCH_FIELDS = 2 // id, atNs
const OPS = ['invalidate', 'set', 'refresh']
const VIAS = ['get', 'getMany', 'getP']

class Column {
  constructor(fields) {
    this.fields = fields
    this.data = new Float64Array(fields * 1024)
    this.length = 0
  }
  push(...values) {
    if ((this.length + 1) * this.fields > this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data.set(values, this.length * this.fields)
    this.length++
  }
  result() {
    return this.data.slice(0, this.length * this.fields)
  }
}

/**
 * Runs readers and (optionally) one writer against `client` until `durationMs` passed or
 * `maxReads` reads were made, then returns the records.
 *
 * options: { client, db (an ioredis connection to the source of truth), dbPrefix, base (bigint),
 *   durationMs, maxReads, items (ids 0..items-1), readers (concurrent read loops),
 *   writeIds (the ids this process writes; [] for none), writeEveryMs, ops (subset of OPS),
 *   vias (subset of VIAS), batch (ids per getMany/getP), ttl, lock, template, logOps }
 */
export async function runWorkload(options) {
  const {
    client,
    db,
    dbPrefix,
    base,
    durationMs,
    maxReads = 300_000,
    items,
    readers = 4,
    writeIds = [],
    writeEveryMs = 10,
    ops = OPS,
    vias = VIAS,
    batch = 3,
    ttl = 3600,
    lock,
    template = 'raw:<<id>>',
    singleflight = true,
    maxWrites = 1e6,
  } = options
  const now = () => Number(process.hrtime.bigint() - base)
  const reads = new Column(READ_FIELDS)
  const writes = new Column(WRITE_FIELDS)
  const fetches = new Column(FETCH_FIELDS)
  const writeErrors = []
  const readErrors = []
  const versionKey = (id) => `${dbPrefix}:ver:${id}`
  const store = cached(
    template,
    async ({ id }) => {
      fetches.push(Number(id), now())
      const version = await db.get(versionKey(id))
      return { id: Number(id), version: Number(version ?? 0) }
    },
    { ttl, client, singleflight, ...(lock !== undefined ? { lock } : {}) },
  )

  const deadline = now() + durationMs * 1e6
  let readCount = 0
  const pick = () => Math.floor(Math.random() * items)
  const failures = { reads: 0, writes: 0 }
  const keep = (list, error) => {
    if (list.length < 20) list.push(String(error?.message ?? error))
  }

  async function readLoop() {
    while (now() < deadline && readCount < maxReads) {
      readCount++
      // Hits of the memory backend settle in microtasks: let timers (the writer) run too.
      if (readCount % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
      const via = vias[Math.floor(Math.random() * vias.length)]
      const viaCode = VIAS.indexOf(via)
      const ids = via === 'get' ? [pick()] : Array.from({ length: batch }, pick)
      const start = now()
      let values
      try {
        if (via === 'get') values = [await store.get({ id: ids[0] })]
        else if (via === 'getMany') values = await store.getMany(ids.map((id) => ({ id })))
        else {
          const pipeline = client.pipeline()
          const pending = ids.map((id) => store.getP(pipeline, { id }))
          await pipeline.execute()
          values = await Promise.all(pending)
        }
      } catch (error) {
        failures.reads++
        keep(readErrors, error)
        const end = now()
        for (const id of ids) reads.push(id, start, end, -1, viaCode)
        continue
      }
      const end = now()
      ids.forEach((id, i) => {
        const value = values[i]
        // A value of another item would be a key collision: record it as a rejected read.
        reads.push(id, start, end, value && value.id === id ? value.version : -2, viaCode)
      })
    }
  }

  async function writeLoop() {
    let n = 0
    while (now() < deadline && n < maxWrites) {
      const id = writeIds[n % writeIds.length]
      const op = ops[n % ops.length]
      n++
      const start = now()
      const version = await db.incr(versionKey(id))
      try {
        if (op === 'invalidate') await store.invalidate({ id })
        else if (op === 'set') await store.set({ id }, { id, version })
        else await store.refresh({ id })
        writes.push(id, start, now(), version, OPS.indexOf(op))
      } catch (error) {
        // Not confirmed: it may or may not have been applied, so it promises nothing.
        failures.writes++
        keep(writeErrors, error)
      }
      // Pacing of the write rate (a load shape, not a synchronisation).
      if (writeEveryMs > 0) await new Promise((resolve) => setTimeout(resolve, writeEveryMs))
    }
  }

  await Promise.all([...Array.from({ length: readers }, readLoop), ...(writeIds.length > 0 ? [writeLoop()] : [])])
  return {
    pid: process.pid,
    reads: reads.result(),
    writes: writes.result(),
    fetches: fetches.result(),
    failures,
    readErrors,
    writeErrors,
  }
}

/** Reads every item once (getMany in batches of 100), so that each is cached before a scenario. */
export async function warm({ client, db, dbPrefix, items, ttl = 3600, template = 'raw:<<id>>' }) {
  const store = cached(
    template,
    async ({ id }) => {
      const version = await db.get(`${dbPrefix}:ver:${id}`)
      return { id: Number(id), version: Number(version ?? 0) }
    },
    { ttl, client },
  )
  for (let from = 0; from < items; from += 100) {
    const ids = Array.from({ length: Math.min(100, items - from) }, (_, i) => ({ id: from + i }))
    await store.getMany(ids)
  }
}
