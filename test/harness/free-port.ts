import net from 'node:net'

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/**
 * A TCP port on 127.0.0.1 that is free now. With `alsoFree`, the ports at those offsets must be
 * free too (a Redis Cluster node also listens on port + 10000 for its bus), so the port is
 * picked below 55536. Another process may still take it before we bind: callers retry.
 */
export async function freePort(alsoFree: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000)
    if (!(await isFree(port))) continue
    let all = true
    for (const offset of alsoFree) {
      if (!(await isFree(port + offset))) {
        all = false
        break
      }
    }
    if (all) return port
  }
  throw new Error('harness: no free TCP port found on 127.0.0.1 after 200 attempts')
}
