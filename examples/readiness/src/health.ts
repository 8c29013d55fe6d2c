// Liveness and readiness endpoints for any node:http-based server (Kubernetes probes, load
// balancers): live = the process answers; ready = the cache answers too.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CacheUnavailableError, type Client } from 'cacheme'

/**
 * Handles `GET /livez` and `GET /readyz`, returning false for any other request. `/readyz` is
 * `client.ping()`: a PING to Redis (every master of a cluster) within the client's `timeout`,
 * so the probe's own timeout should be longer than that. 503 names the node that failed.
 *
 * Whether a service with Redis down should be "not ready" is a choice: a get falls back to the
 * fetcher when Redis is down, so the service still works, only slower and harder on the
 * database. Take it out of the load balancer (this) when the database can't take that load.
 */
export function healthHandler(client: Client): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' || (req.url !== '/livez' && req.url !== '/readyz')) return false
    let status = 200
    let body: Record<string, unknown> = { ok: true }
    if (req.url === '/readyz') {
      try {
        await client.ping()
      } catch (error) {
        if (!(error instanceof CacheUnavailableError)) throw error
        status = 503
        body = { ok: false, cache: client.description, error: error.message }
      }
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
    return true
  }
}
