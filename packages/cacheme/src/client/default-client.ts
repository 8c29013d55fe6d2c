import { Client, coreOf } from './client.js'
import type { ClientOptions } from './options.js'

let current: Client | undefined
/** Whether `current` was made here rather than handed to `configure()`: only then is it ours to release. */
let madeHere = false

/** The client stores use when they have none of their own; the memory backend until configured. */
export function defaultClient(): Client {
  if (!current) {
    current = new Client()
    madeHere = true
  }
  return current
}

/** Sets the default client and returns it. */
export function configure(options?: ClientOptions | Client): Client {
  const given = options instanceof Client
  const next = given ? options : new Client(options)
  const previous = current
  // Only an embedded client made here is released; a client handed to configure() is its owner's.
  if (previous && previous !== next && madeHere && coreOf(previous).backend.kind === 'memory') void previous.close()
  current = next
  madeHere = !given
  return current
}
