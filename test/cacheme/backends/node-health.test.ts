import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, expect, test, vi } from 'vitest'
import { NodeHealth } from '../../../packages/cacheme/dist/backends/redis.js'
import { Secrets } from '../../../packages/cacheme/dist/client/secrets.js'
import { CacheUnavailableError } from '../../../packages/cacheme/dist/errors.js'

afterEach(() => {
  vi.useRealTimers()
})

const never = () => new Promise<never>(() => {})
const connectionLost = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
const replyError = (message: string) => () => Promise.reject(Object.assign(new Error(message), { name: 'ReplyError' }))

async function outcome(promise: Promise<unknown>): Promise<CacheUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CacheUnavailableError)
  return error as CacheUnavailableError
}

test('a connection failure skips the node for the cool-down, then lets exactly one probe through', async () => {
  vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  const health = new NodeHealth('127.0.0.1:7000', 1000, new Secrets())
  expect((await outcome(health.run(connectionLost))).outcome).toBe('not-applied')
  const skipped = await outcome(health.run(() => Promise.resolve(1)))
  expect(skipped.message).toBe('cacheme: Redis node 127.0.0.1:7000 is being skipped after failures (cool-down 1000 ms)')
  expect(skipped.outcome).toBe('not-applied')
  vi.setSystemTime(1_001_000)
  const probe = health.run(never) // the probe, still running
  await outcome(health.run(() => Promise.resolve(1))) // others skip while it runs
  vi.advanceTimersByTime(1000)
  expect((await outcome(probe)).outcome).toBe('unknown')
  vi.setSystemTime(1_003_000)
  expect(await health.run(() => Promise.resolve('up'))).toBe('up')
  expect(await health.run(() => Promise.resolve('still up'))).toBe('still up')
})

test('one slow command is not an outage: the breaker opens only after timeouts in a row', async () => {
  vi.useFakeTimers({ now: 2_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  const health = new NodeHealth('n', 100, new Secrets())
  const first = health.run(never)
  vi.advanceTimersByTime(100)
  expect((await outcome(first)).message).toBe('cacheme: Redis node n did not answer within 100 ms')
  expect(await health.run(() => Promise.resolve('served'))).toBe('served') // closed: one timeout alone
  const again = [health.run(never), health.run(never)]
  vi.advanceTimersByTime(100)
  for (const failed of again) await outcome(failed)
  await outcome(health.run(() => Promise.resolve('skipped'))) // two in a row: open
})

test('a node still sending bytes is slow, not down: its timeouts do not open the breaker', async () => {
  vi.useFakeTimers({ now: 3_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  const health = new NodeHealth('n', 100, new Secrets())
  // A big reply streams in: the commands behind it time out while its bytes keep arriving.
  const behind = [health.run(never), health.run(never), health.run(never)]
  vi.advanceTimersByTime(50)
  health.heard()
  vi.advanceTimersByTime(50)
  for (const failed of behind) await outcome(failed)
  expect(await health.run(() => Promise.resolve('served'))).toBe('served')
  // Silent for the whole timeout: the same timeouts do open it.
  const silent = [health.run(never), health.run(never)]
  vi.advanceTimersByTime(100)
  for (const failed of silent) await outcome(failed)
  await outcome(health.run(() => Promise.resolve('skipped')))
})

test('runEach bounds many commands with one timer: each settles as it answers, the pending ones time out together', async () => {
  vi.useFakeTimers({ now: 4_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  const health = new NodeHealth('n', 100, new Secrets())
  let release!: (v: string) => void
  const late = new Promise<string>((resolve) => {
    release = resolve
  })
  const results: unknown[] = []
  const done = health.runEach(
    3,
    (j) => (j === 0 ? Promise.resolve('a') : j === 1 ? late : never()),
    (j, result) => {
      results[j] = result
    },
  )
  await Promise.resolve()
  expect(results[0]).toBe('a') // settled before the others answered
  release('b')
  vi.advanceTimersByTime(100)
  await done
  expect(results[1]).toBe('b')
  expect((results[2] as CacheUnavailableError).message).toBe('cacheme: Redis node n did not answer within 100 ms')
  // One command timed out: one timeout counted, the breaker is still closed.
  expect(await health.run(() => Promise.resolve('served'))).toBe('served')
})

test('a server that answers with an error is up: an ACL refusal names the permission and never opens the breaker', async () => {
  const health = new NodeHealth('n', 1000, new Secrets())
  const refused = await outcome(health.run(replyError("NOPERM User reader has no permissions to run the 'evalsha' command")))
  expect(refused.message).toBe(
    "cacheme: the Redis user lacks a permission: NOPERM User reader has no permissions to run the 'evalsha' command (node n)",
  )
  expect(refused.outcome).toBe('not-applied')
  expect(await health.run(() => Promise.resolve('next'))).toBe('next')
})

test('a failure reports no secret: the cause is a redacted copy, not the original error', async () => {
  const secrets = new Secrets()
  secrets.add('pa/ss@word')
  const health = new NodeHealth('n', 1000, secrets)
  const original = Object.assign(new Error('WRONGPASS invalid password pa/ss@word'), {
    name: 'ReplyError',
    command: { name: 'auth', args: ['pa/ss@word'] },
  })
  const error = await outcome(health.run(() => Promise.reject(original)))
  expect(error.message).toBe('cacheme: Redis refused the credentials: WRONGPASS invalid password *** (node n)')
  expect(error.cause).not.toBe(original)
  expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause))).not.toContain('pa/ss@word')
})

test('the bounds of one node share a timer, yet each falls due at its own time, and one settled meanwhile never does', async () => {
  vi.useFakeTimers({ now: 5_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  const health = new NodeHealth('n', 100, new Secrets())
  const timedOut: string[] = []
  const watch = (name: string, p: Promise<unknown>) => p.catch((e: CacheUnavailableError) => timedOut.push(`${name}: ${e.message}`))
  let answer!: (v: string) => void
  const first = watch('first', health.run(never))
  const answered = health.run(() => new Promise<string>((resolve) => (answer = resolve)))
  vi.advanceTimersByTime(60)
  const second = watch('second', health.run(never)) // due at 160
  answer('in time')
  expect(await answered).toBe('in time')
  vi.advanceTimersByTime(40) // 100: the first is due, the second is not
  await first
  expect(timedOut).toEqual(['first: cacheme: Redis node n did not answer within 100 ms'])
  vi.advanceTimersByTime(59)
  await new Promise((resolve) => setImmediate(resolve))
  expect(timedOut).toHaveLength(1) // 159: still not
  vi.advanceTimersByTime(1)
  await second
  expect(timedOut).toEqual([
    'first: cacheme: Redis node n did not answer within 100 ms',
    'second: cacheme: Redis node n did not answer within 100 ms',
  ])
})

test('an idle node holds no timer: a process whose commands all answered exits at once, a pending one is still timed out', () => {
  const url = (file: string) => pathToFileURL(resolve('packages/cacheme/dist', file)).href
  // Runs `body` in a child process beside a NodeHealth of `timeoutMs`; what it printed.
  const child = (timeoutMs: number, body: string) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { NodeHealth } from '${url('backends/redis.js')}'; import { Secrets } from '${url('client/secrets.js')}';` +
          `const health = new NodeHealth('n', ${timeoutMs}, new Secrets()); const t0 = performance.now(); ${body}`,
      ],
      { timeout: 20_000 },
    )
      .toString()
      .trim()
  // Answered: the 60 s timeout's timer must not keep the process for a minute.
  const idleMs = Number(
    child(60_000, `await health.run(() => Promise.resolve(1)); process.on('exit', () => console.log(Math.round(performance.now() - t0)))`),
  )
  expect(idleMs).toBeLessThan(5000)
  // Pending (the node never answers, nothing else keeps the process): timed out, not dropped at exit.
  expect(child(200, `health.run(() => new Promise(() => {})).catch((e) => console.log(e.message))`)).toBe(
    'cacheme: Redis node n did not answer within 200 ms',
  )
})
