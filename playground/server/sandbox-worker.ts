// Runs one compiled example in its own worker thread: a fresh embedded memory client with a
// logger that reports every cache op, console captured, then the set of keys it touched.
import { format } from 'node:util'
import { parentPort, workerData } from 'node:worker_threads'
import type * as Cacheme from 'cacheme'
import type { ConsoleLine, KeyState } from './api-types.js'
import type { SandboxInput, SandboxMessage } from './sandbox-protocol.js'

const { js, cachemeUrl } = workerData as SandboxInput
const post = (message: SandboxMessage): void => parentPort!.postMessage(message)
let started = performance.now()
const touched = new Set<string>()

for (const level of ['log', 'info', 'warn', 'error'] as const satisfies ConsoleLine['level'][]) {
  console[level] = (...args: unknown[]) => post({ type: 'console', line: { level, text: format(...args) } })
}
process.on('unhandledRejection', (reason) =>
  post({ type: 'console', line: { level: 'error', text: `unhandled rejection: ${format(reason)}` } }),
)

const cacheme = (await import(cachemeUrl)) as typeof Cacheme
const client = cacheme.configure({
  logger: {
    log(store, key, op) {
      touched.add(key)
      post({ type: 'log', line: { store, key, op, ms: Math.round(performance.now() - started) } })
    },
  },
})

async function keyStates(): Promise<KeyState[]> {
  const keys = [...touched]
  const found = await client.peek(keys.map((key) => `${client.prefix}:${key}`))
  return keys.map((key, i) => ({ key: `${client.prefix}:${key}`, cached: found[i] === 'value' }))
}

try {
  started = performance.now() // log times count from the example's first line
  await import(`data:text/javascript,${encodeURIComponent(js)}`)
  post({ type: 'done', keys: await keyStates() })
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : format(error)
  // Stack frames name the module by its data: URL, i.e. the whole example: shorten it.
  post({ type: 'failed', error: text.replace(/data:text\/javascript,[^\s)]*/g, 'example.js'), keys: await keyStates() })
}
