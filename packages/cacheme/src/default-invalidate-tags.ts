import { defaultClient } from './client/default-client.js'

/** `invalidateTags()` on the default client. */
export function invalidateTags(tags: readonly string[]): Promise<number> {
  return defaultClient().invalidateTags(tags)
}
