// One suite for the framework recipes (examples/fastify, express, hono): each server runs as its
// own process (through tsx, as `npm start` runs it) on a real redis-server behind the fault proxy.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'
import { Redis } from '../harness/ioredis.js'
import { eventually } from '../cacheme/herd/redis-checks.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TIMEOUT_MS = 400

export interface Server {
  url: string
  lines: string[]
  /** The first line (printed or to come) matching. */
  line(match: RegExp): Promise<string>
  exited: Promise<[number | null, NodeJS.Signals | null]>
  process: ChildProcess
}

/** Starts `examples/<name>/src/server.ts` with `env`; resolves once it prints `listening <url>`. */
export async function startServer(name: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}/src/server.ts`], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let stderr = ''
  child.stderr!.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = []
  createInterface({ input: child.stdout! }).on('line', (text) => {
    lines.push(text)
    for (const w of waiters.filter((w) => w.match.test(text))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve(text)
    }
  })
  const line = (match: RegExp) => {
    const seen = lines.find((l) => match.test(l))
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise<string>((resolve, reject) => {
      waiters.push({ match, resolve })
      void exited.then(([code]) =>
        reject(new Error(`examples/${name} exited (code ${code}) before printing ${match}:\n${lines.join('\n')}\n${stderr}`)),
      )
    })
  }
  const listening = await line(/^listening http:\/\//)
  return { url: listening.split(' ')[1]!, lines, line, exited, process: child }
}

/** The behaviour every framework recipe shows: cached reads, invalidate on write, readiness, graceful shutdown. */
export function serviceSuite(name: string): void {
  describe(`examples/${name}`, () => {
    let proxy: FaultProxy
    let server: Server
    let redis: Redis
    const prefix = `example-${name}-${randomUUID()}`
    beforeAll(async () => {
      proxy = await startFaultProxy(inject('redis').standalone.port)
      redis = new Redis(inject('redis').standalone.url)
      server = await startServer(name, { REDIS_URL: proxy.url, CACHE_PREFIX: prefix, CACHE_TIMEOUT: `${TIMEOUT_MS}ms` })
    }, 60_000)
    afterAll(async () => {
      if (server && server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL')
      redis?.disconnect()
      await proxy?.close()
    })

    const call = async (path: string, init?: RequestInit) => {
      const response = await fetch(new URL(path, server.url), init)
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }

    test('a read is cached in Redis; a write renames the book and invalidates it', async () => {
      expect(await call('/books/1')).toEqual({ status: 200, body: { id: 1, title: 'Dune' } })
      expect(await redis.exists(`${prefix}:book:1:v1`)).toBe(1)
      expect(await call('/books/1')).toEqual({ status: 200, body: { id: 1, title: 'Dune' } })
      const renamed = await call('/books/1', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Dune Messiah' }),
      })
      expect(renamed).toEqual({ status: 200, body: { id: 1, title: 'Dune Messiah' } })
      expect(await redis.exists(`${prefix}:book:1:v1`)).toBe(0)
      expect(await call('/books/1')).toEqual({ status: 200, body: { id: 1, title: 'Dune Messiah' } })
      expect((await call('/books/99')).status).toBe(404)
      expect((await call('/books/x')).status).toBe(400)
    })

    test('readiness follows the cache: 503 naming the node while Redis hangs, within the client timeout; 200 again within the cool-down after', async () => {
      expect(await call('/health/ready')).toEqual({ status: 200, body: { ok: true } })
      proxy.stall()
      try {
        const started = performance.now()
        const ready = await call('/health/ready')
        expect(ready).toEqual({
          status: 503,
          body: { ok: false, error: `cacheme: Redis node redis did not answer within ${TIMEOUT_MS} ms` },
        })
        expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000)
        expect(await call('/health/live')).toEqual({ status: 200, body: { ok: true } })
        // Reads still work while Redis hangs: they fall back to the database.
        expect(await call('/books/2')).toEqual({ status: 200, body: { id: 2, title: 'Kindred' } })
      } finally {
        proxy.resume()
      }
      // Two timeouts in a row opened the client's breaker: Redis is skipped for its cool-down
      // (max(timeout, 1 s)), then probed. A probe polling /health/ready sees 200 after that.
      const since = Date.now()
      await eventually('ready again after Redis resumed', async () => (await call('/health/ready')).status === 200, 5_000)
      expect(Date.now() - since).toBeLessThan(1000 + 1500)
    })

    test('SIGTERM with Redis hung: the server closes its cache client and the process exits by itself, promptly', async () => {
      proxy.stall()
      server.process.kill('SIGTERM')
      const closed = await server.line(/^closed in \d+ ms$/)
      expect(await server.exited).toEqual([0, null])
      // close() gives a hung Redis at most min(timeout, 200 ms) to answer QUIT.
      expect(Number(/\d+/.exec(closed)![0])).toBeLessThan(200 + 500)
    })
  })
}
