import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAclUser } from './acl.js'
import { Redis } from './ioredis.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

// Each profile refuses exactly what it names, with Redis's own NOPERM / WRONGPASS errors (a
// command a script calls is refused with "The user executing the script can't run this command").
describe('ACL users', () => {
  let server: RedisServer
  const opened: Redis[] = []
  const connect = (url: string) => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    redis.on('error', () => {})
    opened.push(redis)
    return redis
  }
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    opened.forEach((r) => r.disconnect())
    await server.stop()
  })

  it('full: everything works', async () => {
    const redis = connect((await createAclUser(server, 'full')).url)
    expect(await redis.set('k', 'v')).toBe('OK')
    expect(await redis.eval('return 1', 0)).toBe(1)
    expect(await redis.publish('c', 'm')).toBe(0)
  })

  it('no-scripts: EVAL and EVALSHA are refused, plain commands are not', async () => {
    const redis = connect((await createAclUser(server, 'no-scripts')).url)
    expect(await redis.set('k', 'v')).toBe('OK')
    await expect(redis.eval('return 1', 0)).rejects.toThrow(/NOPERM.*eval/i)
    await expect(redis.evalsha('0'.repeat(40), 0)).rejects.toThrow(/NOPERM.*evalsha/i)
  })

  it('no-publish: PUBLISH and SPUBLISH are refused', async () => {
    const redis = connect((await createAclUser(server, 'no-publish')).url)
    await expect(redis.publish('c', 'm')).rejects.toThrow(/NOPERM.*publish/i)
    await expect(redis.call('SPUBLISH', 'c', 'm')).rejects.toThrow(/NOPERM.*spublish/i)
    expect(await redis.get('k')).toBe('v')
  })

  it('no-subscribe: SUBSCRIBE and SSUBSCRIBE are refused', async () => {
    const user = await createAclUser(server, 'no-subscribe')
    await expect(connect(user.url).subscribe('c')).rejects.toThrow(/NOPERM.*subscribe/i)
    await expect(connect(user.url).call('SSUBSCRIBE', 'c')).rejects.toThrow(/NOPERM.*ssubscribe/i)
  })

  it('read-only: writes are refused, also from a script; reads work', async () => {
    const redis = connect((await createAclUser(server, 'read-only')).url)
    expect(await redis.get('k')).toBe('v')
    await expect(redis.set('k', 'w')).rejects.toThrow(/NOPERM.*set/i)
    await expect(redis.eval("return redis.call('SET', KEYS[1], 'w')", 1, 'k')).rejects.toThrow(/can't run this command.*@user_script/)
  })

  it('a wrong password fails AUTH with WRONGPASS', async () => {
    const user = await createAclUser(server, 'full')
    const redis = connect(user.wrongPasswordUrl)
    const failure = new Promise<Error>((resolve) => redis.once('error', resolve))
    redis.connect().catch(() => {}) // rejects with "Connection is closed"; the cause is the error event
    expect((await failure).message).toMatch(/WRONGPASS/)
  })
})
