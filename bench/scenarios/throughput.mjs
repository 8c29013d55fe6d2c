import { commandCounter } from '../support/command-count.mjs'
import { drive, fill } from '../support/drive.mjs'
import { percentile, summarize } from '../support/stats.mjs'
import { bookValue } from '../support/value.mjs'

/**
 * Hit throughput of every contestant, rounds interleaved (round r of every contestant runs
 * before round r + 1 of any) so a noisy neighbour on the machine hits them alike.
 * `keyOf(loop, n, seq)` picks the record each call reads; `depth(loop)`, if given, is how many
 * event-loop turns (setImmediate) each call of that loop waits before it calls get, so callers
 * reach get() in different turns, after an earlier turn's batch was sent.
 */
export async function throughput({
  contestants,
  url,
  server,
  name,
  keys,
  keyOf,
  depth,
  ttlSeconds,
  parallel,
  rounds,
  roundMs,
  warmMs,
  sampleEvery,
  log,
}) {
  const call = depth
    ? (c) => async (w, n, seq) => {
        for (let d = depth(w); d > 0; d--) await new Promise(setImmediate)
        return c.get(keyOf(w, n, seq))
      }
    : (c) => (w, n, seq) => c.get(keyOf(w, n, seq))
  const opened = []
  for (const contestant of contestants) {
    const fetches = { count: 0 }
    const fetch = async (id) => {
      fetches.count++
      return bookValue(id)
    }
    const c = await contestant.open({ url, prefix: `bench:${name}:${slug(contestant.name)}`, ttlSeconds, fetch })
    // Fill the cache (every key once), then warm the JIT on the measured pattern.
    await fill((id) => c.get(id), keys, parallel)
    await drive(call(c), { parallel, durationMs: warmMs, sampleEvery })
    opened.push({
      contestant,
      c,
      op: call(c),
      fetches,
      ops: [],
      p50: [],
      p99: [],
      commands: [],
      lookups: [],
      roundTrips: [],
      fetchesMeasured: 0,
    })
    log(`  ${name}: ${contestant.name} filled and warm`)
  }
  // Redis commands per get: shows who batches and who reads Redis at all on every call.
  const commands = await commandCounter([server])
  for (let r = 0; r < rounds; r++) {
    for (const entry of opened) {
      // A collection now, not during the next contestant's round: no one pays another's GC debt.
      globalThis.gc?.()
      const before = entry.fetches.count
      const commandsBefore = await commands.total()
      const readsBefore = await commands.reads()
      const lookupsBefore = await commands.lookups()
      const { opsPerSec, ops, latencies } = await drive(entry.op, { parallel, durationMs: roundMs, sampleEvery })
      entry.roundTrips.push(ops / ((await commands.reads()) - readsBefore))
      entry.commands.push(((await commands.total()) - commandsBefore) / ops)
      entry.lookups.push(((await commands.lookups()) - lookupsBefore) / ops)
      entry.fetchesMeasured += entry.fetches.count - before
      entry.ops.push(opsPerSec)
      entry.p50.push(percentile(latencies, 50))
      entry.p99.push(percentile(latencies, 99))
    }
    log(`  ${name}: round ${r + 1}/${rounds} done`)
  }
  await commands.close()
  for (const { c } of opened) await c.close()
  return opened.map((e) => ({
    contestant: e.contestant.name,
    baseline: !!e.contestant.baseline,
    variant: !!e.contestant.variant,
    opsPerSec: summarize(e.ops),
    p50Ms: summarize(e.p50),
    p99Ms: summarize(e.p99),
    fetchesDuringMeasurement: e.fetchesMeasured,
    commandsPerGet: summarize(e.commands).median,
    keysReadPerGet: summarize(e.lookups).median,
    getsPerRoundTrip: summarize(e.roundTrips).median,
  }))
}

export function slug(text) {
  return text.replace(/[^A-Za-z0-9]+/g, '-')
}
