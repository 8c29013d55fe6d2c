// ACL limits fail loudly (issue 10, defect 7): a user without a permission cacheme needs gets a
// clear reason naming that permission (or the failed AUTH) in errors and in the logger's ERROR
// detail (the contract's 4th logger argument, `{ error }`), and gets still fall back to the
// fetcher. A write that Redis refused was not applied: CacheUnavailableError, outcome
// 'not-applied', naming store, key and cause (contract, "Writes with an unknown outcome").
import { randomUUID } from 'node:crypto'
import { CacheUnavailableError, createClient, type Client } from 'cacheme'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAclUser, type AclProfile } from '../harness/acl.js'
import { startRedisServer, type RedisServer } from '../harness/redis-server.js'
import { countingStore, holdKey, recordingLogger, timed } from './support/stores.js'

describe('ACL-limited users', () => {
  let server: RedisServer
  const clients: Client[] = []
  const prefix = () => `chaos-${randomUUID().slice(0, 8)}`
  function clientAs(url: string, shared: { prefix: string }) {
    const log = recordingLogger()
    const client = createClient({ redis: url, prefix: shared.prefix, timeout: 500, logger: log.logger })
    clients.push(client)
    return { client, log }
  }
  const user = (profile: AclProfile) => createAclUser(server, profile)

  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(() => server.stop())

  it('without EVAL: get falls back and ERROR names the missing script permission', async () => {
    const { client, log } = clientAs((await user('no-scripts')).url, { prefix: prefix() })
    const { store } = countingStore(client)
    expect(await store.get({ id: 1 })).toEqual({ id: 1, n: 1 })
    expect(log.errors().length).toBeGreaterThan(0)
    expect(log.errorMessages().join(' | ')).toMatch(/(NOPERM|permission)[\s\S]*(eval|script)|(eval|script)[\s\S]*(NOPERM|permission)/i)
  })

  /** A holder (fetch held open) and a waiter on one key; each logs what it logs. */
  async function holderAndWaiter(holderUrl: string, waiterUrl: string) {
    const shared = { prefix: prefix() }
    const holder = clientAs(holderUrl, shared)
    const waiter = clientAs(waiterUrl, shared)
    const held = holdKey(holder.client, 1, { ttl: '3s', wait: '1s' })
    try {
      await timed('the holder fetching', 5000, () => held.fetching)
      const waiting = held.waiterStore(waiter.client).get({ id: 1 })
      // The waiter saw the lock (it waits, or it failed to and says so); let the holder finish.
      await timed('the waiter waiting or failing', 5000, () => waiter.log.seen(['WAIT', 'ERROR']))
      held.release()
      const [h, w] = await Promise.all([timed('the holder', 10_000, () => held.holding), timed('the waiter', 10_000, () => waiting)])
      return { holder: holder.log, waiter: waiter.log, holderValue: h.value, waiterValue: w.value }
    } finally {
      held.release()
    }
  }

  it('without PUBLISH: the holder logs ERROR naming PUBLISH', async () => {
    const full = await user('full')
    const { holder, holderValue, waiterValue } = await holderAndWaiter((await user('no-publish')).url, full.url)
    expect(holderValue.id).toBe(1)
    expect(waiterValue.id).toBe(1)
    expect(holder.errorMessages().join(' | ')).toMatch(/publish/i)
  })

  it('without SUBSCRIBE: the waiter logs ERROR naming SUBSCRIBE', async () => {
    const full = await user('full')
    const { waiter, waiterValue } = await holderAndWaiter(full.url, (await user('no-subscribe')).url)
    expect(waiterValue.id).toBe(1)
    expect(waiter.errorMessages().join(' | ')).toMatch(/subscribe/i)
  })

  it('read-only: set rejects as not applied, naming store, key and the refused write', async () => {
    const { client, log } = clientAs((await user('read-only')).url, { prefix: prefix() })
    const { store } = countingStore(client)
    const error = await store.set({ id: 1 }, { id: 1, n: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CacheUnavailableError)
    const e = error as CacheUnavailableError & { outcome?: string }
    expect(e.outcome).toBe('not-applied')
    expect(e.message).toContain(store.name)
    expect(e.message).toContain('chaos:1')
    expect(e.message).toMatch(/NOPERM|permission/i)
    // A get still answers (from the fetcher), and says why nothing was cached.
    expect((await store.get({ id: 2 })).id).toBe(2)
    expect(log.errorMessages().join(' | ')).toMatch(/NOPERM|permission/i)
  })

  it('a wrong password: gets fall back, errors and ERROR name the auth failure, never the password', async () => {
    const account = await user('full')
    const { client, log } = clientAs(account.wrongPasswordUrl, { prefix: prefix() })
    const { store } = countingStore(client)
    const got = await timed('a get with a wrong password', 500 + 1000, () => store.get({ id: 1 }))
    expect(got.value).toEqual({ id: 1, n: 1 })
    const messages = log.errorMessages().join(' | ')
    expect(messages).toMatch(/WRONGPASS|password|auth/i)
    expect(messages).not.toContain(account.password)
    const error = (await store.set({ id: 1 }, { id: 1, n: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error
    expect(error).toBeInstanceOf(CacheUnavailableError)
    expect(error.message).toMatch(/WRONGPASS|password|auth/i)
    expect(error.message).not.toMatch(/max retries/i)
    expect(error.message).not.toContain(account.password)
  })
})
