import { randomUUID } from 'node:crypto'
import { expect, inject, test } from 'vitest'
import { cached, createClient } from 'cacheme'

test('an aborted get rejects at once with an AbortError; the shared fetch goes on for the others', async () => {
  const client = createClient({ redis: inject('redis').standalone.url, prefix: `abort-${randomUUID()}` })
  let fetches = 0
  let finish: () => void = () => {}
  let started: () => void = () => {}
  const fetchStarted = new Promise<void>((resolve) => {
    started = resolve
  })
  const store = cached(
    'item:<<id>>',
    async ({ id }: { id: number }) => {
      fetches++
      started()
      await new Promise<void>((resolve) => {
        finish = resolve
      })
      return { id }
    },
    { client },
  )
  try {
    const controller = new AbortController()
    const aborted = store.get({ id: 1 }, { signal: controller.signal })
    const other = store.get({ id: 1 })
    await fetchStarted
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    finish()
    expect(await other).toEqual({ id: 1 })
    expect(await store.get({ id: 1 })).toEqual({ id: 1 })
    expect(fetches).toBe(1)
  } finally {
    await client.close()
  }
})
