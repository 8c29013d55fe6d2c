import { runSource, transformSource } from './api.js'
import { outputView, replaceText, revealPosition, sourceEditor } from './editors.js'
import { examples, type Example } from './examples.js'
import { renderDiagnostics, renderRun } from './render.js'
import { startMetrics } from './metrics-panel.js'

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T

const TRANSFORM_DEBOUNCE_MS = 250
const emitStatus = byId('emit-status')
const diagnosticsList = byId('diagnostics')
const runButton = byId<HTMLButtonElement>('run')
const panel = {
  status: byId('run-status'),
  log: byId<HTMLTableElement>('log').tBodies[0]!,
  keys: byId('keys'),
  console: byId('console'),
}

const emitted = outputView(byId('emitted'))
const source = sourceEditor(byId('source'), examples[0]!.source, scheduleTransform)

// Every edit restarts the timer; only the newest request's answer is shown.
let timer: ReturnType<typeof setTimeout> | undefined
let latest = 0
function scheduleTransform(): void {
  clearTimeout(timer)
  emitStatus.textContent = 'compiling…'
  timer = setTimeout(refreshEmitted, TRANSFORM_DEBOUNCE_MS)
}

async function refreshEmitted(): Promise<void> {
  const request = ++latest
  try {
    const output = await transformSource(source.state.doc.toString())
    if (request !== latest) return
    replaceText(emitted, output.code)
    const errors = output.diagnostics.filter((d) => d.severity === 'error').length
    emitStatus.textContent =
      errors > 0 ? `${errors} error${errors > 1 ? 's' : ''}` : output.changed ? 'transformed' : 'nothing to transform'
    emitStatus.className = errors > 0 ? 'error' : ''
    renderDiagnostics(diagnosticsList, output.diagnostics, (d) => revealPosition(source, d.line, d.column))
  } catch (error) {
    if (request !== latest) return
    emitStatus.textContent = `transform failed: ${(error as Error).message}`
    emitStatus.className = 'error'
  }
}

async function run(): Promise<void> {
  runButton.disabled = true
  panel.status.textContent = 'running…'
  panel.status.className = ''
  try {
    renderRun(panel, await runSource(source.state.doc.toString()))
  } catch (error) {
    panel.status.textContent = `run failed: ${(error as Error).message}`
    panel.status.className = 'failed'
  } finally {
    runButton.disabled = false
  }
}

function showExample(example: Example, button: HTMLButtonElement): void {
  for (const b of byId('examples').querySelectorAll('button')) b.classList.toggle('active', b === button)
  replaceText(source, example.source)
}

for (const example of examples) {
  const button = document.createElement('button')
  button.type = 'button'
  button.textContent = example.title
  button.dataset.example = example.id
  button.addEventListener('click', () => showExample(example, button))
  byId('examples').append(button)
}
byId('examples').querySelector('button')!.classList.add('active')
runButton.addEventListener('click', run)
void refreshEmitted()
void startMetrics({
  status: byId('metrics-status'),
  charts: byId('charts'),
  burstButton: byId<HTMLButtonElement>('burst'),
})
