// `npm start`: the playground page and the example app side by side; Ctrl-C stops both.
import { startApp } from './server/app-process.js'
import { isPort } from './server/port.js'
import { startWebServer } from './server/web-server.js'

function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const port = Number(text)
  if (!isPort(port)) throw new RangeError(`${name} must be a port number 0..65535, got ${JSON.stringify(text)}`)
  return port
}

const host = process.env.PLAYGROUND_HOST || '127.0.0.1'
const app = await startApp({ port: portFromEnv('APP_PORT', 3000), host, output: process.stdout })
// The page charts the app's /metrics and drives it: it reaches the app through its own server.
const web = await startWebServer({ port: portFromEnv('PLAYGROUND_PORT', 5173), host, app: app.url }).catch(async (error: unknown) => {
  await app.stop()
  throw error
})

console.log(`
  cacheme playground   ${web.url}
  example app          ${app.url}   (try ${app.url}books, ${app.url}books/1/page, ${app.url}metrics)

  Ctrl-C stops both.
`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await Promise.allSettled([web.close(), app.stop()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
// Ctrl-C in a terminal signals the app too; it may exit before our handler runs.
app.exited.then((code) => {
  if (stopping) return
  stopping = true
  if (code !== 0) console.error(`the example app exited (code ${code}); stopping the playground`)
  void web.close().then(() => process.exit(code ?? 1))
})
