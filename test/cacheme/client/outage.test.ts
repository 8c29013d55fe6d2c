import { randomUUID } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import { startChild, startChildren, type Child } from '../../harness/children.js'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'
import { eventually, markersLeft, subscribers } from '../herd/redis-checks.js'

// Runs in a child process: an unhandled rejection there would kill it and fail the requests.
const CHILD = new URL('../herd/children/store-child.mjs', import.meta.url)
const TIMEOUT_MS = 300

let child: Child | undefined
let others: Child[] = []
let server: RedisServer | undefined

afterEach(async () => {
  try {
    // A child whose Redis is gone or hung still exits by itself after client.close().
    for (const c of [child, ...others]) if (c) expect(await c.exit()).toEqual({ code: 0, signal: null })
  } finally {
    await Promise.all([child, ...others].map((c) => c?.kill()))
    child = undefined
    others = []
    await server?.stop()
    server = undefined
  }
})

function startStoreChild(url: string): Promise<Child> {
  return startChild(CHILD, {
    env: { REDIS_URL: url, PREFIX: `outage-${randomUUID()}`, COUNTER: 'local', FETCH_MS: '1', TIMEOUT_MS: String(TIMEOUT_MS) },
  })
}

async function ops(): Promise<Record<string, number>> {
  return child!.request<Record<string, number>>('ops')
}

test('redis-server stopped during a stream of gets: no get fails; started again: hits resume', async () => {
  server = await startRedisServer()
  child = await startStoreChild(server.url)
  let failures = 0
  let gets = 0
  const stream = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => child!.request('get', { id: i % 3 })))
      gets += outcomes.length
      failures += outcomes.filter((o) => o.status === 'rejected').length
    }
  }
  await stream(5)
  expect((await ops()).HIT).toBeGreaterThan(0)
  const during = stream(30)
  await server.kill('SIGTERM')
  await during
  await stream(5) // Redis still down: the breaker skips it
  expect(failures).toBe(0)
  expect(gets).toBe(400)
  const errorsWhileDown = (await ops()).ERROR ?? 0
  expect(errorsWhileDown).toBeGreaterThan(0)

  await server.restart()
  const hitsBefore = (await ops()).HIT ?? 0
  await eventually(
    'a get is a HIT again after Redis restarted',
    async () => {
      await child!.request('get', { id: 1 })
      return ((await ops()).HIT ?? 0) > hitsBefore
    },
    20_000,
  )
})

test('redis-server hung (SIGSTOP) during a stream of gets: no get fails; resumed: hits resume, no lock marker left', async () => {
  server = await startRedisServer()
  child = await startStoreChild(server.url)
  const prefix = (await child.request<string>('key', { id: 0 })).split(':')[0]!
  let failures = 0
  const stream = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => child!.request('get', { id: round * 10 + i })))
      failures += outcomes.filter((o) => o.status === 'rejected').length
    }
  }
  await stream(3)
  server.pause()
  await stream(10)
  expect(failures).toBe(0)
  expect((await ops()).ERROR).toBeGreaterThan(0)
  server.resume()
  const hitsBefore = (await ops()).HIT ?? 0
  await eventually(
    'a get is a HIT again after Redis resumed',
    async () => {
      await child!.request('get', { id: 1000 })
      return ((await ops()).HIT ?? 0) > hitsBefore
    },
    20_000,
  )
  // Lock commands that ran late, after their callers gave up, left no marker behind.
  const inspect = new Redis(server.url)
  try {
    await eventually('no lock marker left', async () => (await markersLeft(inspect, prefix)).length === 0)
  } finally {
    inspect.disconnect()
  }
})

test('a port that accepts connections but never answers: get falls back to the fetcher within the budget', async () => {
  const sockets = new Set<Socket>()
  const silent: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = silent.address() as { port: number }
    child = await startStoreChild(`redis://127.0.0.1:${port}`)
    const started = Date.now()
    const first = await child.request<{ id: number; n: number }>('get', { id: 1 })
    const elapsed = Date.now() - started
    console.log(`[outage] silent port: first get fell back after ${elapsed} ms (budget ${TIMEOUT_MS} ms)`)
    expect(first).toMatchObject({ id: 1, n: 1 })
    // Within the budget, with room for a loaded machine and the IPC round trip.
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 10)
    // The breaker is open now: further gets skip Redis and still resolve.
    const more = await Promise.all([1, 2, 3].map((id) => child!.request<{ id: number }>('get', { id })))
    expect(more.map((v) => v.id)).toEqual([1, 2, 3])
    const seen = await ops()
    expect(seen.ERROR).toBeGreaterThanOrEqual(4)
    expect(seen.FETCH).toBe(4)
    expect(seen.HIT).toBeUndefined()
    expect(await child.exit()).toEqual({ code: 0, signal: null })
    child = undefined
  } finally {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  }
})

test("Redis stops while a process waits on another one's fetch: both callers still resolve, the waiter without waiting out the lock", async () => {
  server = await startRedisServer()
  const prefix = `outage-${randomUUID()}`
  others = await startChildren(2, CHILD, {
    env: { REDIS_URL: server.url, PREFIX: prefix, COUNTER: 'local', TIMEOUT_MS: String(TIMEOUT_MS), LOCK_TTL: '30s' },
  })
  const [holder, waiter] = others as [Child, Child]
  await holder.request('configure', { gated: true }) // its fetch lasts until released below
  const fetching = holder.waitFor('fetching')
  await holder.request('start', { id: 1, name: 'get' })
  await fetching
  await waiter.request('start', { id: 1, name: 'get' })
  const inspect = new Redis(server.url)
  try {
    await eventually('the waiter subscribed', async () => (await subscribers(inspect, `${prefix}:item:1:v1`)) === 1)
  } finally {
    inspect.disconnect()
  }
  await server.kill('SIGKILL')
  const started = Date.now()
  const waited = await waiter.request<{ n: number }>('finish', { name: 'get' })
  console.log(`[outage] waiter fell back ${Date.now() - started} ms after Redis died (lock TTL 30 s)`)
  expect(waited.n).toBe(1) // its own fetch: the counter is per process
  await holder.request('release', { id: 1 })
  expect((await holder.request<{ n: number }>('finish', { name: 'get' })).n).toBe(1)
  expect((await waiter.request<Record<string, number>>('ops')).ERROR).toBeGreaterThan(0)
})
