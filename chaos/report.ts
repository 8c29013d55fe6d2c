// bench/results/chaos.md (+ chaos.json): the figures of every scenario, as numbers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { ScenarioResult } from './load.js'

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (n >= 100 ? int(n) : n.toFixed(1))
const pct = (n: number) => `${(100 * n).toFixed(1)} %`

export interface RunInfo {
  startedAt: string
  commit: string
  runtime: string
  wallS: number
  quick: boolean
  /** Set when only some scenarios ran and the others were kept from the previous report. */
  partial?: string
}

export function writeReport(dir: URL, info: RunInfo, results: ScenarioResult[]): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    new URL('chaos.json', dir),
    JSON.stringify({ ...info, scenarios: results }, (key, value) => (key === 'check' ? summaryOfCheck(value) : value), 2) + '\n',
  )
  writeFileSync(new URL('chaos.md', dir), markdown(info, results))
}

/** Rewrites chaos.md from chaos.json (after a change of the report's layout; no re-run). */
export function rewriteMarkdown(dir: URL): void {
  const { scenarios, ...info } = JSON.parse(readFileSync(new URL('chaos.json', dir), 'utf8')) as RunInfo & { scenarios: ScenarioResult[] }
  writeFileSync(new URL('chaos.md', dir), markdown(info, scenarios))
}

function summaryOfCheck(check: any) {
  return (
    check && {
      violations: check.violations,
      examples: check.examples,
      violationsByVia: check.violationsByVia,
      violationsByOp: check.violationsByOp,
      readErrors: check.readErrors,
      writeErrors: check.writeErrors,
    }
  )
}

function markdown(info: RunInfo, results: ScenarioResult[]): string {
  const lines: string[] = [
    '# Chaos figures',
    '',
    `\`npm run chaos\`${info.quick ? ' --quick (durations scaled down: not comparable)' : ''} on ${info.startedAt}, commit ${info.commit}, runtime ${info.runtime}; ${int(info.wallS)} s in all${info.partial ? ` (${info.partial})` : ''}.`,
    'Real redis-server processes on 127.0.0.1, 4 client processes per scenario (test/harness/raw-checker), a private',
    "redis-server as their source of truth. Numbers, not assertions: the contract's promises are asserted by the short",
    'tests in test/chaos. See bench/README.md, "Chaos", for what each column means.',
    '',
    '| scenario | gets | failed | stale reads | extra fetches | fetches / gets | p50 ms | p99 ms | max ms | markers left | subscriptions left | ERROR logged |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of results) {
    const f = r.figures
    if (!f) {
      lines.push(`| ${r.name} | failed to run: ${firstLine(r.error)} |||||||||||`)
      continue
    }
    const subs = r.subscriptionsLeft
    const subsText = subs ? `${subs.channels + subs.shardChannels} ch / ${subs.clientSubscriptions} client` : 'n/a'
    lines.push(
      `| ${r.name} | ${int(f.gets)} | ${int(f.failed)} | ${int(f.staleReads)} | ${r.fetchesAreExtra ? int(f.fetches) : `(${int(f.fetches)} fetches)`} | ${pct(f.fetchRatio)} | ${ms(f.latencyMs.p50)} | ${ms(f.latencyMs.p99)} | ${ms(f.latencyMs.max)} | ${r.markersLeft ?? 'n/a'} | ${subsText} | ${int(r.ops?.ERROR ?? 0)} |`,
    )
  }
  for (const r of results) {
    lines.push('', `## ${r.title} (\`${r.name}\`)`, '', r.what, '')
    if (r.error) lines.push('Error:', '', '```', r.error.slice(0, 2000), '```', '')
    const f = r.figures
    if (f) {
      lines.push(
        `${int(f.gets)} key reads, ${int(f.failed)} failed; ${int(f.writes)} confirmed writes, ${int(f.failedWrites)} unconfirmed (rejected); ${int(f.fetches)} fetches${r.fetchesAreExtra ? ' (every one of a cached key: extra)' : ''}; ${int(f.staleReads)} stale reads; latency p50 ${ms(f.latencyMs.p50)} ms, p99 ${ms(f.latencyMs.p99)} ms, max ${ms(f.latencyMs.max)} ms; wall ${int(r.wallS)} s.`,
      )
      if (r.ops)
        lines.push(
          '',
          `Logger ops (warm-up included): ${Object.entries(r.ops)
            .sort()
            .map(([op, n]) => `${op} ${int(n)}`)
            .join(', ')}.`,
        )
      if (f.check.violations > 0) {
        lines.push(
          '',
          `Stale reads by read path ${JSON.stringify(f.check.violationsByVia)}, by write ${JSON.stringify(f.check.violationsByOp)}; examples:`,
          '',
        )
        for (const v of f.check.examples.slice(0, 5)) {
          lines.push(
            `- item ${v.id}: ${v.via} in pid ${v.readerPid} returned v${v.returned}, ${v.msAfterWrite.toFixed(1)} ms after pid ${v.writerPid}'s ${v.writeOp} of v${v.expectedAtLeast} resolved`,
          )
        }
      }
      if (f.check.readErrors.length)
        lines.push(
          '',
          `Read errors, e.g.: ${[...new Set(f.check.readErrors)]
            .slice(0, 3)
            .map((e) => `\`${firstLine(e)}\``)
            .join('; ')}`,
        )
      if (f.check.writeErrors.length)
        lines.push(
          '',
          `Write errors, e.g.: ${[...new Set(f.check.writeErrors)]
            .slice(0, 3)
            .map((e) => `\`${firstLine(e)}\``)
            .join('; ')}`,
        )
    }
    if (r.subscriptionsLeft) {
      const s = r.subscriptionsLeft
      lines.push(
        '',
        `Left after the load: ${r.markersLeft ?? 'n/a'} lock markers; ${s.channels} channels, ${s.shardChannels} shard channels, ${s.clientSubscriptions} client subscriptions (after up to 3 s to settle).`,
      )
    }
    if (r.events.length) {
      lines.push('', "Events (s from the load's start): " + r.events.map((e) => `${e.atS.toFixed(1)} ${e.what}`).join('; ') + '.')
    }
    const hits = f?.hits
    if (hits && hits.groups.length > 1) {
      lines.push(
        '',
        `Hit ratio per master at the start (1 - fetches / reads of its keys), per ${hits.bucketS} s:`,
        '',
        `| s | ${hits.groups.join(' | ')} |`,
        `|---:|${hits.groups.map(() => '---:').join('|')}|`,
      )
      for (const row of hits.rows) lines.push(`| ${row.atS} | ${row.ratios.map((x) => (x === null ? '–' : pct(x))).join(' | ')} |`)
    } else if (hits && hits.rows.length > 1) {
      lines.push(
        '',
        `Hit ratio over time (per ${hits.bucketS} s): ${hits.rows.map((row) => `${row.atS}s ${row.ratios[0] === null ? '–' : pct(row.ratios[0]!)}`).join(', ')}.`,
      )
    }
  }
  return lines.join('\n') + '\n'
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.replace(/\|/g, '\\|').slice(0, 200)
}
