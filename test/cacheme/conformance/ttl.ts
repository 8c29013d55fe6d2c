import { describe, it } from 'vitest'
import { cached, configure, type Client, type Ttl } from 'cacheme'
import { clientPerTest, uniquePrefix, type BackendUnderTest } from './backend-under-test.js'

const CASES: [ttl: Ttl | undefined, ms: number][] = [
  [90, 90_000],
  [1.5, 1_500],
  ['45s', 45_000],
  ['5m', 300_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
  ['1h30m', 5_400_000],
  ['2500ms', 2_500],
  [0, 0],
  [undefined, 0],
]

export function ttlConformance(backend: BackendUnderTest): void {
  describe('TTL', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    for (const [ttl, ms] of CASES) {
      it(`${JSON.stringify(ttl) ?? 'absent'} expires a value fetched by get() after ${ms} ms${ms === 0 ? ' (never)' : ''}`, async () => {
        const store = cached('ttl:<<id>>', ({ id }: { id: string }) => id, ttl === undefined ? { client } : { ttl, client })
        const key = store.key({ id: 'g' })
        await backend.expectTtl(client, key, ms, async () => {
          await store.get({ id: 'g' })
        })
      })
    }

    it('applies to set(), refresh() and getMany() writes too', async () => {
      const store = cached('ttl-w:<<id>>', ({ id }: { id: string }) => id, { ttl: '10m', client })
      await backend.expectTtl(client, store.key({ id: 's' }), 600_000, () => store.set({ id: 's' }, 'v'))
      await backend.expectTtl(client, store.key({ id: 'r' }), 600_000, async () => {
        await store.refresh({ id: 'r' })
      })
      await backend.expectTtl(client, store.key({ id: 'm' }), 600_000, async () => {
        await store.getMany([{ id: 'm' }])
      })
    })

    it('given directly as the third argument works like options.ttl', async () => {
      const configured = configure({ ...backend.options(), prefix: uniquePrefix() })
      try {
        const direct = cached('ttl-d:<<id>>', ({ id }: { id: string }) => id, '2m')
        await backend.expectTtl(configured, direct.key({ id: '1' }), 120_000, async () => {
          await direct.get({ id: '1' })
        })
      } finally {
        configure()
        await configured.close()
      }
    })
  })
}
