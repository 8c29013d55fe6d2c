import type { Diagnostic, RunResult } from '../server/api-types.js'

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = className
  node.textContent = text
  return node
}

export function renderDiagnostics(list: HTMLElement, diagnostics: Diagnostic[], onPick: (d: Diagnostic) => void): void {
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const item = element('li', d.severity, '')
      item.append(element('span', 'where', `example.ts:${d.line}:${d.column}`), element('span', 'message', d.message))
      item.title = 'Show in the editor'
      item.addEventListener('click', () => onPick(d))
      return item
    }),
  )
}

export interface RunPanel {
  status: HTMLElement
  log: HTMLTableSectionElement
  keys: HTMLElement
  console: HTMLElement
}

export function renderRun(panel: RunPanel, result: RunResult): void {
  const summary: Record<RunResult['status'], string> = {
    ok: `finished in ${result.durationMs} ms`,
    failed: 'the example threw',
    timeout: 'stopped: the example ran too long',
    rejected: 'not run: the compiler reported an error',
  }
  panel.status.textContent = summary[result.status]
  panel.status.className = result.status
  panel.log.replaceChildren(
    ...result.logs.map((line) => {
      const row = document.createElement('tr')
      row.append(
        element('td', 'ms', `+${line.ms} ms`),
        element('td', `op ${line.op}`, line.op),
        element('td', 'store', line.store),
        element('td', 'key', line.key),
      )
      return row
    }),
  )
  panel.keys.replaceChildren(
    ...result.keys.map((k) => {
      const item = element('li', k.cached ? 'cached' : 'gone', '')
      item.append(element('code', '', k.key), element('span', 'state', k.cached ? 'cached' : 'not cached'))
      return item
    }),
  )
  const lines = result.console.map((c) => (c.level === 'log' || c.level === 'info' ? c.text : `[${c.level}] ${c.text}`))
  if (result.error) lines.push(result.error)
  if (result.status === 'rejected') lines.push(...result.diagnostics.map((d) => `example.ts:${d.line}:${d.column} ${d.message}`))
  panel.console.textContent = lines.join('\n')
}
