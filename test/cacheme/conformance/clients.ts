import { afterEach, describe, expect, it } from 'vitest'
import { cached, configure, createClient, defaultClient, pipeline, type Client } from 'cacheme'
import { startChild } from '../../harness/children.js'
import { clientFor, controlledFetcher, uniquePrefix, type BackendUnderTest } from './backend-under-test.js'
import { rawGet } from '../internals.js'

const CHILD = new URL('./fixtures/client-child.mjs', import.meta.url)

export function clientConformance(backend: BackendUnderTest): void {
  describe('clients', () => {
    const toClose: Client[] = []
    afterEach(async () => {
      configure()
      await Promise.all(toClose.splice(0).map((c) => c.close()))
    })

    // Module-level stores are defined before main() configures anything.
    const early = controlledFetcher(({ id }: { id: string }) => `early ${id}`)
    const earlyStore = cached('early:<<id>>', early.fetcher, '1m')

    it('uses the embedded memory backend before any configure()', async () => {
      expect(defaultClient().kind).toBe('memory')
      expect(await earlyStore.get({ id: 'x' })).toBe('early x')
      expect(await earlyStore.get({ id: 'x' })).toBe('early x')
      expect(early.calls).toEqual([{ id: 'x' }])
    })

    for (const form of backend.connectionForms()) {
      it(`createClient() with ${form.label} stores and reads values`, async () => {
        const made = form.make()
        try {
          const prefix = uniquePrefix()
          const client = createClient(made.options === undefined ? undefined : { ...made.options, prefix })
          const { fetcher, calls } = controlledFetcher(({ id }: { id: string }) => ({ id, text: `comment ${id}` }))
          const comments = cached('comment:<<id>>', fetcher, { ttl: '5m', client })
          expect(client.kind).toBe(backend.kind)
          expect(await comments.get({ id: '1' })).toEqual({ id: '1', text: 'comment 1' })
          expect(await comments.get({ id: '1' })).toEqual({ id: '1', text: 'comment 1' })
          expect(calls).toHaveLength(1)
          if (backend.kind !== 'memory') {
            // Stored in Redis itself: a second client with the same prefix hits.
            const other = createClient({ ...backend.options(), prefix })
            toClose.push(other)
            const otherStore = cached('comment:<<id>>', fetcher, { ttl: '5m', client: other })
            expect(await otherStore.get({ id: '1' })).toEqual({ id: '1', text: 'comment 1' })
            expect(calls).toHaveLength(1)
          }
          await client.close()
          expect(client.isClosed).toBe(true)
          if (made.instance) {
            // A connection the user passed in is theirs: closing the client leaves it open.
            expect(made.instance.status).toBe('ready')
          }
        } finally {
          await made.release?.()
        }
      })

      it(`configure() with ${form.label} binds stores defined before it`, async () => {
        const made = form.make()
        try {
          const client = configure(made.options === undefined ? undefined : { ...made.options, prefix: uniquePrefix() })
          toClose.push(client)
          expect(defaultClient()).toBe(client)
          const p = { id: uniquePrefix('late') }
          expect(await earlyStore.get(p)).toBe(`early ${p.id}`)
          expect(earlyStore.key(p).startsWith(`${client.prefix}:early:`)).toBe(true)
          const [stored] = await rawGet(client, [earlyStore.key(p)])
          expect(stored).not.toBeNull()
          // pipeline() without a client uses the configured default too.
          const p2 = pipeline()
          expect(p2.client).toBe(client)
        } finally {
          configure()
          await made.release?.()
        }
      })
    }

    it('configure() with nothing returns to the embedded memory backend', async () => {
      const client = configure({ ...backend.options(), prefix: uniquePrefix() })
      toClose.push(client)
      expect(configure().kind).toBe('memory')
      expect(defaultClient().kind).toBe('memory')
    })

    it('a store bound to its own client ignores the default client', async () => {
      const own = clientFor(backend)
      toClose.push(own)
      const store = cached('own:<<id>>', ({ id }: { id: string }) => id, { client: own })
      expect(store.key({ id: '1' })).toBe(`${own.prefix}:own:1:v1`)
    })

    it('close() releases everything: a process with nothing else to do exits', async () => {
      const prefix = uniquePrefix()
      const shared = { id: 'shared', text: 'from the parent', at: new Date(0), tags: new Set(['a']), views: 10n ** 20n }
      if (backend.kind !== 'memory') {
        const parent = createClient({ ...backend.options(), prefix })
        toClose.push(parent)
        await cached('comment:<<id>>', () => shared, { client: parent }).set({ id: 'shared' }, shared)
      }
      const child = await startChild(CHILD, { env: { CACHEME_CLIENT_OPTIONS: JSON.stringify({ ...backend.options(), prefix }) } })
      try {
        const result = await child.request<{ first: unknown; again: unknown; many: unknown[]; fetches: string[]; shared: unknown }>('use', {
          id: '7',
        })
        expect(result.first).toEqual({ id: '7', text: 'comment 7' })
        expect(result.again).toEqual(result.first)
        expect(result.many).toEqual([result.first, { id: '7-b', text: 'comment 7-b' }])
        if (backend.kind === 'memory') {
          expect(result.fetches).toEqual(['7', '7-b', 'shared'])
        } else {
          // Another process decodes what this one stored.
          expect(result.shared).toEqual(shared)
          expect(result.fetches).toEqual(['7', '7-b'])
        }
      } finally {
        expect(await child.exit()).toEqual({ code: 0, signal: null })
      }
    })
  })
}
