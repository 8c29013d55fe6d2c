import { Client } from './client.js'
import type { ClientOptions } from './options.js'

let current: Client | undefined

/** The client stores use when they have none of their own; the memory backend until configured. */
export function defaultClient(): Client {
  return (current ??= new Client())
}

/** Sets the default client and returns it. */
export function configure(options?: ClientOptions | Client): Client {
  const previous = current
  current = options instanceof Client ? options : new Client(options)
  // Only the embedded default made by us is released; clients created by the user are theirs.
  if (previous && previous !== current && previous.backend.kind === 'memory') void previous.close()
  return current
}
