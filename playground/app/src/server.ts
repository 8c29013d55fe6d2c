// The example app: a JSON API over a slow fake database, cached with cacheme.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectCacheEvents, configureFromEnv, type CacheEvent } from './cache-client.js'
import { queryCount } from './db.js'
import { HttpError, parseID, sendJson } from './http.js'
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './metrics.js'
import { cacheVerdict, describeEvents } from './request-log.js'
import { routes } from './routes.js'

const client = configureFromEnv(process.env)

type Reply = { status: number; body: unknown }

async function dispatch(req: IncomingMessage, url: URL): Promise<Reply> {
  if (req.method === 'GET' && url.pathname === '/') return { status: 200, body: { endpoints: ENDPOINTS } }
  for (const route of routes) {
    const match = route.path.exec(url.pathname)
    if (!match || req.method !== route.method) continue
    const { status = 200, body } = await route.handle(
      match.slice(1).map((id) => parseID(id, 'id')),
      url,
      req,
    )
    return { status, body }
  }
  throw new HttpError(404, `no route for ${req.method} ${url.pathname}`)
}

function failure(error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message } }
  console.error(error)
  return { status: 500, body: { error: 'internal error' } }
}

const ENDPOINTS = [
  'GET /books[?ids=1,2]',
  'GET /books/:id',
  'POST /books/:id {"title"}',
  'GET /books/:id/comments',
  'POST /books/:id/comments {"author","text"}',
  'GET /books/:id/page',
  'GET /comments/:id',
  'GET /metrics',
]

const server = createServer(async (req, res) => {
  // Scraped every few seconds: answered before the request log, which would drown in it.
  if (req.method === 'GET' && req.url === '/metrics') {
    res.setHeader('content-type', PROMETHEUS_CONTENT_TYPE)
    res.end(prometheusText(client.stats()))
    return
  }
  const started = performance.now()
  const queriesBefore = queryCount()
  const events: CacheEvent[] = []
  const url = new URL(req.url ?? '/', 'http://localhost')
  const { status, body } = await collectCacheEvents(events, () => dispatch(req, url)).catch(failure)
  const verdict = cacheVerdict(events)
  if (verdict) res.setHeader('x-cache', verdict)
  const ops = events.length > 0 ? describeEvents(events) : undefined
  if (ops) res.setHeader('x-cache-ops', ops)
  sendJson(res, status, body)
  const ms = (performance.now() - started).toFixed(1).padStart(6)
  console.log(
    `${req.method!.padEnd(4)} ${(url.pathname + url.search).padEnd(22)} ${status} ${ms} ms  db×${queryCount() - queriesBefore}  ${ops ?? 'no cache ops'}`,
  )
})

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number 0..65535, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(2)
}
server.listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo
  console.log(`cacheme example app
  backend    ${client.description}
  listening  http://${host}:${actual}/`)
})

async function shutdown(): Promise<void> {
  server.close()
  server.closeAllConnections()
  await client.close()
}
process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)
