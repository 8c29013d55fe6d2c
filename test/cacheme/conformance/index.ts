import { describe } from 'vitest'
import type { BackendUnderTest } from './backend-under-test.js'
import { batchConformance, batchRoundTripConformance } from './batch.js'
import { batchTagConformance } from './batch-tags.js'
import { clientConformance } from './clients.js'
import { codecConformance } from './codecs.js'
import { fetcherErrorConformance } from './fetcher-errors.js'
import { freshnessConformance } from './freshness.js'
import { invalidateAllConformance } from './invalidate-all.js'
import { keyConformance } from './keys.js'
import { localConformance } from './local.js'
import { loggerConformance } from './logger.js'
import { passwordConformance } from './passwords.js'
import { pipelineConformance } from './pipelines.js'
import { promiseConformance } from './promises.js'
import { observabilityConformance } from './observability.js'
import { roundTripConformance } from './round-trips.js'
import { singleflightConformance } from './singleflight.js'
import { tagConformance } from './tags.js'
import { storeMethodConformance } from './store-methods.js'
import { ttlConformance } from './ttl.js'
import { validationConformance } from './validation.js'
import { valueConformance } from './values.js'

/**
 * The one conformance suite: every behaviour of the runtime, run against one backend.
 * test/cacheme/backends/{memory,redis,cluster}.test.ts each run it.
 */
export function runConformance(backend: BackendUnderTest): void {
  describe(`cacheme on ${backend.kind}`, () => {
    clientConformance(backend)
    storeMethodConformance(backend)
    keyConformance(backend)
    ttlConformance(backend)
    validationConformance(backend)
    singleflightConformance(backend)
    codecConformance(backend)
    valueConformance(backend)
    fetcherErrorConformance(backend)
    loggerConformance(backend)
    invalidateAllConformance(backend)
    tagConformance(backend)
    pipelineConformance(backend)
    promiseConformance(backend)
    observabilityConformance(backend)
    batchConformance(backend)
    freshnessConformance(backend)
    batchTagConformance(backend)
    localConformance(backend)
    // Only backends behind a network have round trips or passwords to check.
    if (backend.counting) roundTripConformance(backend, backend.counting)
    if (backend.counting) batchRoundTripConformance(backend, backend.counting)
    if (backend.passwordProtected) passwordConformance(backend.passwordProtected)
  })
}
