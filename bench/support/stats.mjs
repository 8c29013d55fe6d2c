export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

/** Median of the rounds and their spread as ± half the min–max range, in % of the median. */
export function summarize(rounds) {
  const m = median(rounds)
  const spread = m === 0 ? 0 : ((Math.max(...rounds) - Math.min(...rounds)) / 2 / m) * 100
  return { median: m, spreadPct: spread, rounds }
}
