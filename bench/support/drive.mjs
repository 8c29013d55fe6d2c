/**
 * Runs `parallel` async loops that each call `op(loop, n, seq)` back to back for `durationMs`
 * (`n`: the loop's own call count, `seq`: a counter over every call issued), and returns ops/s
 * and every call's latency in ms (valid until the next call of drive).
 */
let buffer = new Float64Array(0)

export async function drive(op, { parallel, durationMs, maxOps = 2_000_000 }) {
  // One buffer for every run: a fresh 16 MB array per round would be GC work in the measurement.
  if (buffer.length < maxOps) buffer = new Float64Array(maxOps)
  const latencies = buffer
  let ops = 0
  let seq = 0
  let stop = false
  const end = performance.now() + durationMs
  const loop = async (w) => {
    for (let n = 0; !stop; n++) {
      const start = performance.now()
      await op(w, n, seq++)
      const now = performance.now()
      if (ops < maxOps) latencies[ops] = now - start
      ops++
      if (now >= end) stop = true
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: parallel }, (_, w) => loop(w)))
  const seconds = (performance.now() - t0) / 1000
  return { opsPerSec: ops / seconds, ops, latencies: latencies.subarray(0, Math.min(ops, maxOps)) }
}
