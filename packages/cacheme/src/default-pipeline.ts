import { defaultClient } from './client/default-client.js'
import type { Pipeline } from './pipeline.js'

/** A pipeline on the default client. */
export function pipeline(): Pipeline {
  return defaultClient().pipeline()
}
