// `REDIS_URL=redis://127.0.0.1:6379 npm start -w @cacheme/example-readiness`, then
// `curl -i localhost:3000/readyz`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient } from 'cacheme'
import { cacheOptionsFromEnv } from '../../cache-env.js'
import { healthHandler } from './health.js'

const client = createClient(cacheOptionsFromEnv(process.env))
const health = healthHandler(client)
const server = createServer(async (req, res) => {
  if (await health(req, res)) return
  res.writeHead(404).end()
})
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () =>
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
)
process.once('SIGTERM', () => server.close(() => void client.close()))
