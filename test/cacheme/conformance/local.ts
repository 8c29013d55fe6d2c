import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientFor, recordingLogger, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'

/**
 * The local tier (client option `local`) on every backend: this process's writes are seen by
 * its next get, `local: false` opts a store out, op LOCAL and `localHits` agree; on the memory
 * backend the option changes nothing (no LOCAL ever).
 */
export function localConformance(backend: BackendUnderTest): void {
  describe('local tier', () => {
    let client: Client
    let logger: RecordingLogger
    beforeEach(() => {
      logger = recordingLogger()
      client = clientFor(backend, { logger, local: true })
    })
    afterEach(() => client.close())

    /** Reads until served locally (Redis backends), at most 50 reads; the memory backend never is. */
    async function readUntilLocal(read: () => Promise<unknown>): Promise<void> {
      for (let i = 0; i < 50 && !logger.ops().includes('LOCAL'); i++) await read()
      expect(logger.ops().includes('LOCAL')).toBe(backend.kind !== 'memory')
    }

    it('every write of this process is seen by its next get', async () => {
      let n = 0
      const store = cached('lc:<<id>>', ({ id }: { id: number }) => ({ id, n: ++n }), { ttl: '1m', client })
      await readUntilLocal(() => store.get({ id: 1 }))
      await store.set({ id: 1 }, { id: 1, n: 100 })
      expect(await store.get({ id: 1 })).toEqual({ id: 1, n: 100 })
      await readUntilLocal(() => store.get({ id: 1 }))
      await store.invalidate({ id: 1 })
      const fetched = await store.get({ id: 1 })
      expect(fetched.n).not.toBe(100)
      const refreshed = await store.refresh({ id: 1 })
      expect(await store.get({ id: 1 })).toEqual(refreshed)
      await store.invalidateAll()
      expect((await store.get({ id: 1 })).n).toBeGreaterThan(refreshed.n)
      expect(await store.getMany([{ id: 1 }, { id: 2 }, { id: 1 }])).toEqual([
        await store.get({ id: 1 }),
        await store.get({ id: 2 }),
        await store.get({ id: 1 }),
      ])
    })

    it('op LOCAL and localHits agree; a store with local: false is never served locally', async () => {
      const off = cached('lc-off:<<id>>', ({ id }: { id: number }) => id, { ttl: '1m', client, local: false })
      for (let i = 0; i < 10; i++) await off.get({ id: 1 })
      expect(logger.ops()).not.toContain('LOCAL')
      const on = cached('lc-on:<<id>>', ({ id }: { id: number }) => id, { ttl: '1m', client, local: { ttl: '30s' } })
      await readUntilLocal(() => on.get({ id: 1 }))
      const local = logger.ops().filter((op) => op === 'LOCAL').length
      expect(client.stats().total.localHits).toBe(local)
      expect(client.stats().stores['lc-on:<<id>>']?.localHits ?? 0).toBe(local)
    })
  })
}
