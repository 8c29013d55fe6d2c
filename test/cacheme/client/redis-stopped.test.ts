import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { CacheUnavailableError, cached, createClient } from 'cacheme'
import { startRedisServer } from '../../harness/redis-server.js'

test('with Redis stopped, reads fall back to the fetcher (ERROR then FETCH per key) and writes reject with CacheUnavailableError', async () => {
  const server = await startRedisServer()
  const lines: string[] = []
  const client = createClient({
    redis: server.url,
    prefix: `down-${randomUUID()}`,
    timeout: 300,
    logger: { log: (_store, key, op) => lines.push(`${op} ${key}`) },
  })
  try {
    const store = cached('item:<<id>>', ({ id }: { id: string }) => `value ${id}`, { client })
    expect(await store.get({ id: '1' })).toBe('value 1')
    await server.stop()
    lines.length = 0

    expect(await store.get({ id: '2' })).toBe('value 2')
    expect(await store.getMany([{ id: '3' }, { id: '4' }])).toEqual(['value 3', 'value 4'])
    const pipeline = client.pipeline()
    const viaPipeline = store.getP(pipeline, { id: '5' })
    await pipeline.execute()
    expect(await viaPipeline).toBe('value 5')
    expect(lines).toEqual(['2', '3', '4', '5'].flatMap((id) => [`ERROR item:${id}:v1`, `FETCH item:${id}:v1`]))

    for (const write of [() => store.set({ id: '1' }, 'other'), () => store.invalidate({ id: '1' }), () => store.invalidateAll()]) {
      const error = await write().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(CacheUnavailableError)
      expect((error as Error).message).toMatch(
        /^cacheme: (set|invalidate|invalidateAll) of '.+' in store 'item:<<id>>' (was not applied|may or may not have been applied): /,
      )
    }
  } finally {
    await client.close()
    await server.stop()
  }
})
