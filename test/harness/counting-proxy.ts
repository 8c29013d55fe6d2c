import net from 'node:net'

export interface CountingProxy {
  /** The proxy's port on 127.0.0.1; connect clients here instead of the target. */
  readonly port: number
  /** Round trips since start or the last `reset()`, over every connection. */
  roundTrips(): number
  reset(): void
  /** Closes the listener and every open connection. */
  close(): Promise<void>
}

/**
 * A TCP proxy in front of `127.0.0.1:targetPort` that counts round trips: a client→server
 * send counts when it is the connection's first or follows a server→client reply. A request
 * split into several TCP chunks, or several commands pipelined in one burst, count once.
 * `onClientData` sees each connection's client→server bytes, in order (the bench parses the
 * commands from them): it is called once per connection and returns that connection's reader.
 */
export async function startCountingProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
  onClientData?: () => (chunk: Buffer) => void,
): Promise<CountingProxy> {
  let count = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: targetPort, host: targetHost })
    sockets.add(client).add(upstream)
    let awaitingReply = false
    const read = onClientData?.()
    client.on('data', (chunk) => {
      if (!awaitingReply) {
        count++
        awaitingReply = true
      }
      read?.(chunk)
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      awaitingReply = false
      client.write(chunk)
    })
    const closeBoth = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('close', closeBoth).on('error', closeBoth)
    upstream.on('close', closeBoth).on('error', closeBoth)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    roundTrips: () => count,
    reset: () => {
      count = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
