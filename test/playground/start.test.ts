import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const START_JS = fileURLToPath(new URL('../../playground/dist/start.js', import.meta.url))

it('npm start serves the page and the app, prints both URLs, and Ctrl-C stops both', async () => {
  const start = spawn(process.execPath, [START_JS], {
    env: { ...process.env, PLAYGROUND_PORT: '0', APP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, as in a terminal
  })
  const exited = once(start, 'exit')
  try {
    const printed: string[] = []
    for await (const line of createInterface({ input: start.stdout })) {
      printed.push(line)
      if (line.includes('Ctrl-C stops both')) break
    }
    const urlAfter = (label: string) => printed.map((l) => new RegExp(`${label}\\s+(http://\\S+)`).exec(l)?.[1]).find(Boolean)!
    const page = urlAfter('cacheme playground')
    const app = urlAfter('example app')
    expect(await (await fetch(page)).text()).toContain('<title>cacheme playground</title>')
    expect((await fetch(new URL('books/1', app))).status).toBe(200)

    // Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
    process.kill(-start.pid!, 'SIGINT')
    expect(await exited).toEqual([0, null])
    await expect(fetch(app)).rejects.toThrow()
    await expect(fetch(page)).rejects.toThrow()
  } finally {
    if (start.exitCode === null && start.signalCode === null) process.kill(-start.pid!, 'SIGKILL')
  }
})
