// The default codec of two (or more) cacheme builds, side by side in one process: per shape,
// the CPU of a hit (ValueFormat.hit on values that are views of one reply chunk, as ioredis
// hands them over) and of a write (ValueFormat.write: codec + frame), rounds interleaved.
//
//   cp -r packages/cacheme/dist bench/.ab/before     # snapshot, then edit and rebuild
//   node bench/codec-ab.mjs bench/.ab/before packages/cacheme/dist
//
// Prints a markdown table; the "x" columns are the last build's time over the first's, median
// of the per-round ratios. CODEC_AB_ROUNDS (7) rounds of CODEC_AB_ROUND_MS (50) per cell.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SHAPES } from './support/codec-shapes.mjs'
import { cpuPerValue } from './support/cpu-per-value.mjs'

const dirs = process.argv.slice(2)
if (dirs.length < 2) throw new Error('usage: node bench/codec-ab.mjs DIST_A DIST_B [...]')
const ROUNDS = Number(process.env.CODEC_AB_ROUNDS ?? 7)
const ROUND_MS = Number(process.env.CODEC_AB_ROUND_MS ?? 50)
const BATCH = 20
const builds = []
for (const dir of dirs) {
  const { resolveCodec } = await import(`${pathToFileURL(resolve(dir)).href}/codec/codec.js`)
  builds.push({ dir, format: resolveCodec(undefined, 'codec-ab') })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** The framed values as one MGET reply's chunk, and a view of each value in it. */
function replyViews(framed) {
  const chunk = Buffer.concat([
    Buffer.from(`*${framed.length}\r\n`),
    ...framed.flatMap((f) => [Buffer.from(`$${f.length}\r\n`), f, Buffer.from('\r\n')]),
  ])
  let at = `*${framed.length}\r\n`.length
  return framed.map((f) => {
    at += `$${f.length}\r\n`.length
    const view = chunk.subarray(at, at + f.length)
    at += f.length + 2
    return view
  })
}

const columns = builds.map((_, i) => `hit µs [${i}] | write µs [${i}] | bytes [${i}]`).join(' | ')
console.log(builds.map((b, i) => `[${i}] ${b.dir}`).join('; '))
console.log('')
console.log(`| shape | ${columns} | hit x | write x |`)
console.log(`|---|${builds.map(() => '---:|---:|---:').join('|')}|---:|---:|`)
for (const [shape, make] of Object.entries(SHAPES)) {
  const values = Array.from({ length: BATCH }, (_, i) => make(i))
  const cells = builds.map(({ format }) => {
    const framed = values.map((v) => format.write(v))
    return { format, views: replyViews(framed), bytes: framed.reduce((n, f) => n + f.length, 0) / BATCH, hit: [], write: [] }
  })
  for (let round = -1; round < ROUNDS; round++) {
    // round -1 warms up
    for (const c of round % 2 ? [...cells].reverse() : cells) {
      const hit = cpuPerValue((v) => c.format.hit(v), c.views, ROUND_MS)
      const write = cpuPerValue((v) => c.format.write(v), values, ROUND_MS)
      if (round >= 0) {
        c.hit.push(hit)
        c.write.push(write)
      }
    }
  }
  const first = cells[0]
  const last = cells.at(-1)
  const ratio = (k) => median(last[k].map((x, i) => x / first[k][i])).toFixed(2)
  console.log(
    `| ${shape} | ${cells.map((c) => `${median(c.hit).toFixed(3)} | ${median(c.write).toFixed(3)} | ${c.bytes.toFixed(0)}`).join(' | ')} | ${ratio('hit')} | ${ratio('write')} |`,
  )
}
