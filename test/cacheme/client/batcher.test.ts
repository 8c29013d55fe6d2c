import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { Flights, TickBatcher, type FlightOwner } from '../../../packages/cacheme/src/client/core.js'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'

// A private server: MONITOR then shows exactly the commands this file's clients send.
let server: RedisServer
let monitor: Awaited<ReturnType<Redis['monitor']>>
let admin: Redis
let probe: Redis
const seen: string[][] = []

beforeAll(async () => {
  server = await startRedisServer()
  admin = new Redis(server.url)
  probe = new Redis(server.url)
  monitor = await admin.monitor()
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args))
})

afterAll(async () => {
  monitor?.disconnect()
  admin?.disconnect()
  probe?.disconnect()
  await server?.stop()
})

/** Waits until MONITOR has reported an ECHO sent now: every earlier command is then in `seen`. */
async function mark(): Promise<number> {
  const marker = `mark-${Math.random()}`
  await probe.echo(marker)
  await vi.waitFor(() => expect(seen.findIndex((args) => args.includes(marker))).toBeGreaterThanOrEqual(0))
  return seen.findIndex((args) => args.includes(marker))
}

/** The lookup commands (GET, MGET with their keys) Redis executed while `work` ran. */
async function lookupsDuring(work: () => Promise<unknown>): Promise<string[][]> {
  const start = await mark()
  await work()
  const end = await mark()
  return seen.slice(start + 1, end).filter(([command]) => /^(get|mget)$/i.test(command!))
}

describe('auto-batching of get()', () => {
  let client: Client
  afterEach(async () => {
    vi.useRealTimers()
    await client?.close()
  })

  function bookStore(fetches: { count: number }) {
    return cached(
      'book:<<id>>',
      ({ id }: { id: number }) => {
        fetches.count++
        return { id, title: `book ${id}` }
      },
      { ttl: 60, client },
    )
  }

  it('N concurrent gets of distinct keys are one MGET of N keys', async () => {
    client = createClient({ redis: server.url, prefix: 'batch1' })
    const fetches = { count: 0 }
    const books = bookStore(fetches)
    const ids = Array.from({ length: 50 }, (_, i) => i)
    await books.getMany(ids.map((id) => ({ id }))) // fill
    const lookups = await lookupsDuring(() => Promise.all(ids.map((id) => books.get({ id }))))
    expect(lookups).toHaveLength(1)
    expect(lookups[0]![0]!.toLowerCase()).toBe('mget')
    expect(lookups[0]!.slice(1)).toEqual(ids.map((id) => `batch1:book:${id}:v1`))
    expect(fetches.count).toBe(50) // only the fill fetched
  })

  it('same-key gets in one batch are deduplicated by singleflight: 100 gets of 10 keys send 10 keys', async () => {
    client = createClient({ redis: server.url, prefix: 'batch2' })
    const fetches = { count: 0 }
    const books = bookStore(fetches)
    await books.getMany(Array.from({ length: 10 }, (_, id) => ({ id })))
    let values: { id: number }[] = []
    const lookups = await lookupsDuring(async () => {
      values = await Promise.all(Array.from({ length: 100 }, (_, i) => books.get({ id: i % 10 })))
    })
    expect(values.map((v) => v.id)).toEqual(Array.from({ length: 100 }, (_, i) => i % 10))
    expect(lookups).toHaveLength(1)
    expect(lookups[0]!.slice(1).sort()).toEqual(Array.from({ length: 10 }, (_, id) => `batch2:book:${id}:v1`).sort())
  })

  it('gets reached at different promise depths of one task share the batch', async () => {
    client = createClient({ redis: server.url, prefix: 'batch3' })
    const books = bookStore({ count: 0 })
    const ids = Array.from({ length: 12 }, (_, i) => i)
    await books.getMany(ids.map((id) => ({ id })))
    const atDepth = async (id: number) => {
      for (let d = 0; d < id % 6; d++) await null // as resolvers that await other work first
      return books.get({ id })
    }
    const lookups = await lookupsDuring(() => Promise.all(ids.map(atDepth)))
    expect(lookups).toHaveLength(1)
    expect(lookups[0]!.slice(1).sort()).toEqual(ids.map((id) => `batch3:book:${id}:v1`).sort())
  })

  it('a get in a later task does not wait for an earlier batch: each task sends its own', async () => {
    client = createClient({ redis: server.url, prefix: 'batch4' })
    const books = bookStore({ count: 0 })
    await books.getMany([{ id: 1 }, { id: 2 }])
    const lookups = await lookupsDuring(async () => {
      const first = books.get({ id: 1 })
      await new Promise((resolve) => setImmediate(resolve))
      await Promise.all([first, books.get({ id: 2 })])
    })
    expect(lookups.map((args) => args.slice(1))).toEqual([['batch4:book:1:v1'], ['batch4:book:2:v1']])
  })

  it('a lone get resolves without any timer firing (fake timers never advanced), on Redis', async () => {
    client = createClient({ redis: server.url, prefix: 'batch5' })
    const books = bookStore({ count: 0 })
    await books.get({ id: 7 }) // connect and fill with real timers
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] })
    await expect(books.get({ id: 7 })).resolves.toEqual({ id: 7, title: 'book 7' })
    expect(vi.getTimerCount()).toBe(0) // the time budget's timer was cleared, none fired
  })

  it('a lone get resolves without any timer firing, on the memory backend', async () => {
    client = createClient({ prefix: 'batch6' })
    const books = bookStore({ count: 0 })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] })
    await expect(books.get({ id: 3 })).resolves.toEqual({ id: 3, title: 'book 3' })
    await expect(books.get({ id: 3 })).resolves.toEqual({ id: 3, title: 'book 3' })
  })
})

describe('TickBatcher', () => {
  it('hands every request of one task to one flush, in order, and resolves each with its output', async () => {
    const flushes: number[][] = []
    const batcher = new TickBatcher<number, string>(async (inputs) => {
      flushes.push(inputs)
      return inputs.map((n) => `#${n}`)
    })
    const outputs = await Promise.all([1, 2, 3].map((n) => batcher.add(n)))
    expect(outputs).toEqual(['#1', '#2', '#3'])
    expect(flushes).toEqual([[1, 2, 3]])
  })

  it('rejects every request of a failed flush with its error, whether it rejects or throws', async () => {
    const error = new Error('flush failed')
    const rejecting = new TickBatcher<number, number>(() => Promise.reject(error))
    const throwing = new TickBatcher<number, number>(() => {
      throw error
    })
    for (const batcher of [rejecting, throwing]) {
      const results = await Promise.allSettled([batcher.add(1), batcher.add(2)])
      expect(results).toEqual([
        { status: 'rejected', reason: error },
        { status: 'rejected', reason: error },
      ])
    }
  })
})

describe('Flights', () => {
  // A getMany as Flights sees it: its keys, and the outcome of each.
  const owner = (keys: string[]): FlightOwner & { joined: string[] } => {
    const joined: string[] = []
    return {
      keys,
      joined,
      join: (key) => {
        joined.push(key)
        return Promise.resolve(`owner's ${key}`)
      },
    }
  }

  it('a getMany alone in the open batch is claimed whole; a later load of the batch still joins its key, not others', async () => {
    const lookups = { batch: 0 }
    const flights = new Flights(lookups)
    const many = owner(['a', 'b', 'a'])
    expect(flights.claimAlone(many)).toBe(true)
    expect(await flights.run('b', () => Promise.resolve('own b'))).toBe("owner's b")
    expect(await flights.run('c', () => Promise.resolve('own c'))).toBe('own c')
    expect(many.joined).toEqual(['b'])
    // A second getMany of the batch is not alone: it claims key by key and finds the first's keys.
    expect(flights.claimAlone(owner(['a']))).toBe(false)
    expect(flights.claim('a', owner(['a']))).toBe(many)
  })

  it('forget() cuts a lone getMany key from the batch: a later load starts afresh', async () => {
    const lookups = { batch: 0 }
    const flights = new Flights(lookups)
    const many = owner(['a', 'b'])
    expect(flights.claimAlone(many)).toBe(true)
    flights.forget('a')
    expect(await flights.run('a', () => Promise.resolve('own a'))).toBe('own a')
    expect(await flights.run('b', () => Promise.resolve('own b'))).toBe("owner's b")
    expect(many.joined).toEqual(['b'])
  })

  it('once the batch is sent nothing joins it: the next getMany is alone again', async () => {
    const lookups = { batch: 0 }
    const flights = new Flights(lookups)
    const many = owner(['a'])
    expect(flights.claimAlone(many)).toBe(true)
    lookups.batch++
    expect(await flights.run('a', () => Promise.resolve('own a'))).toBe('own a')
    expect(many.joined).toEqual([])
    lookups.batch++
    expect(flights.claimAlone(owner(['a']))).toBe(true)
  })
})
