// The client's own methods, as users see them.
import { createClient } from 'cacheme'
import { expectType, type Equal } from './assert.js'

const client = createClient({ redis: 'redis://127.0.0.1:6379' })

export async function readiness(): Promise<void> {
  const ping = client.ping()
  expectType<Equal<typeof ping, Promise<void>>>(true)
  await ping
  // @ts-expect-error ping() takes no arguments
  await client.ping('hello')
}
