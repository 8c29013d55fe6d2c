let buffer = new Float64Array(0)

/** Fills the cache before measuring: `get(id)` of every id in 0..keys-1, `parallel` at a time. */
export async function fill(get, keys, parallel = 100) {
  for (let from = 0; from < keys; from += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, keys - from) }, (_, i) => get(from + i)))
  }
}

/**
 * Runs `parallel` async loops that each call `op(loop, n, seq)` back to back for `durationMs`
 * (`n`: the loop's own call count, `seq`: a counter over every call issued), and returns ops/s,
 * the number of calls, and the latency in ms of every `sampleEvery`-th call of each loop
 * (reading the clock twice per call would cost the fastest contestants a good part of their
 * time; the samples are valid until the next call of drive).
 */
export async function drive(op, { parallel, durationMs, sampleEvery = 4, maxSamples = 1_000_000 }) {
  // One buffer for every run: a fresh array per round would be GC work in the measurement.
  if (buffer.length < maxSamples) buffer = new Float64Array(maxSamples)
  const latencies = buffer
  let ops = 0
  let samples = 0
  let seq = 0
  let stop = false
  const end = performance.now() + durationMs
  const loop = async (w) => {
    for (let n = 0; !stop; n++) {
      if (n % sampleEvery !== 0) {
        await op(w, n, seq++)
        ops++
        continue
      }
      const start = performance.now()
      await op(w, n, seq++)
      const now = performance.now()
      if (samples < maxSamples) latencies[samples++] = now - start
      ops++
      if (now >= end) stop = true
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: parallel }, (_, w) => loop(w)))
  const seconds = (performance.now() - t0) / 1000
  return { opsPerSec: ops / seconds, ops, latencies: latencies.subarray(0, samples) }
}
