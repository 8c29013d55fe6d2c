import { CacheUnavailableError } from '../errors.js'
import { checkTagList, pendingFills, tagSet } from '../store/tags.js'
import type { ClientCore } from './core.js'

/**
 * `client.invalidateTags(tags)`: deletes every key of this client's prefix listed under any of
 * the tags (store option `tags`), in every store, on every cluster master, lock markers of fills
 * in flight too (their commits then don't write), and the markers of fills whose tags come with
 * their value (they might carry one of these). Resolves to how many tagged keys existed.
 */
export async function invalidateTags(core: ClientCore, tags: unknown): Promise<number> {
  const list = checkTagList(tags, 'the tags of invalidateTags()', "an array of non-empty strings like ['author:42']")
  const label = list.map((tag) => `'${tag}'`).join(', ')
  if (core.closed) {
    throw new CacheUnavailableError(`cacheme: invalidateTags of ${label} was not applied: the client is closed`, { outcome: 'not-applied' })
  }
  if (list.length === 0) return 0
  // The local tier doesn't know keys' tags: this process's copies are all dropped, before (a read
  // on the wire meanwhile isn't kept: its ticket goes too) and after, so none outlives the call.
  // Other processes' copies go when Redis's invalidations of the deleted keys reach them.
  core.local?.invalidate(null)
  try {
    return await core.backend.delTagged(
      list.map((tag) => tagSet(core.prefix, tag)),
      pendingFills(core.prefix),
    )
  } catch (error) {
    // Sent to one node or several, in chunks: a failure may come after some of it was applied.
    const cause = error instanceof CacheUnavailableError ? error : core.secrets.safeCause(error)
    throw new CacheUnavailableError(
      `cacheme: invalidateTags of ${label} may or may not have been applied: ${cause.message.replace(/^cacheme: /, '')}`,
      { outcome: 'unknown', cause },
    )
  } finally {
    core.local?.invalidate(null)
  }
}
