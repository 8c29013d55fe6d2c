import { describe, expect, test } from 'vitest'
import { DurationError, FetchTimeoutError } from 'cacheme'
import { FetchControl } from '../../../packages/cacheme/dist/herd/fetch-control.js'

describe('FetchControl', () => {
  test('without a hard timeout: the fetch as it is, its duration measured, the signal never aborted', async () => {
    const control = new FetchControl<string>('s', 'k:1:v1', 5000, 0)
    const ctx = control.context()
    expect(await control.run(() => new Promise((resolve) => setTimeout(() => resolve('v'), 30)))).toBe('v')
    expect(control.deltaMs).toBeGreaterThanOrEqual(25)
    expect(ctx.signal.aborted).toBe(false)
    expect(ctx.stale).toBeUndefined()
    expect(control.ttlMs).toBe(5000)
  })

  test('past the hard timeout: rejects at once with FetchTimeoutError, the signal aborted with it as reason', async () => {
    const control = new FetchControl<string>('store', 'k:1:v1', 5000, 50)
    const ctx = control.context()
    const error = await control.run(() => new Promise(() => {})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchTimeoutError)
    expect(error).toMatchObject({ store: 'store', key: 'k:1:v1', timeoutMs: 50 })
    expect((error as Error).message).toBe("cacheme: the fetch of 'k:1:v1' (store 'store') did not finish within its hard timeout of 50 ms")
    expect(ctx.signal.aborted).toBe(true)
    expect(ctx.signal.reason).toBe(error)
  })

  test('a signal the fetcher took before the hard timeout is the one aborted (one signal per fetch, made when first read)', async () => {
    const control = new FetchControl<string>('store', 'k:1:v1', 5000, 30)
    const ctx = control.context()
    let held: AbortSignal | undefined
    const aborted = new Promise<unknown>((resolve) => {
      void control
        .run(() => {
          held = ctx.signal
          held.addEventListener('abort', () => resolve(held!.reason))
          return new Promise(() => {})
        })
        .catch(() => {})
    })
    const reason = await aborted
    expect(reason).toBeInstanceOf(FetchTimeoutError)
    expect(ctx.signal).toBe(held)
  })

  test('a fetch that settles in time clears the timer and keeps its own error', async () => {
    const control = new FetchControl<string>('s', 'k', 0, 1000)
    await expect(control.run(() => Promise.reject(new Error('down')))).rejects.toThrow('down')
    expect(control.context().signal.aborted).toBe(false)
  })

  test("ctx.stale and ctx.setTtl(): the value refreshed, and this value's TTL (checked like any TTL)", () => {
    const control = new FetchControl<string>('s', 'k', 5000, 0, { value: 'old' })
    const ctx = control.context()
    expect(ctx.stale).toBe('old')
    ctx.setTtl('10s')
    expect(control.ttlMs).toBe(10_000)
    ctx.setTtl(0)
    expect(control.ttlMs).toBe(0)
    expect(() => ctx.setTtl('soon')).toThrow(DurationError)
    expect(() => ctx.setTtl({} as never)).toThrow("ctx.setTtl() of 's' must be a number of seconds or a duration string like '5m', got")
  })
})
