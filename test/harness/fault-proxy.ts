import { EventEmitter, once } from 'node:events'
import net from 'node:net'

/**
 * Which way a fault applies: `toServer` is client→redis (requests), `toClient` is redis→client
 * (replies), `both` is both.
 */
export type Direction = 'toServer' | 'toClient' | 'both'

/** What the proxy reports, for tests that wait on it instead of sleeping. */
export interface FaultProxyEvents {
  /** A connection was accepted and joined to the target. */
  connection: []
  /** A new connection was closed at once because `drop` is on. */
  dropped: []
  /** A new connection was accepted and will never be answered because `blackhole` is on. */
  blackholed: []
  /** Bytes arrived at a connection accepted during a blackhole (and were thrown away). */
  swallowed: [bytes: number]
  /** A chunk is held because its direction is stalled (emitted once per held chunk). */
  held: [direction: 'toServer' | 'toClient', bytes: number]
  /** A chunk was passed on (after any latency). */
  forwarded: [direction: 'toServer' | 'toClient', bytes: number]
}

export interface FaultProxy {
  /** The proxy's port on 127.0.0.1: connect clients here instead of the target. */
  readonly port: number
  /** `redis://127.0.0.1:PORT` (with `password` when given to `startFaultProxy`). */
  readonly url: string
  /** Events of `FaultProxyEvents`; `proxy.events.once('held', ...)`, or `events.once(proxy.events, 'held')`. */
  readonly events: EventEmitter<FaultProxyEvents>
  /**
   * Delays every chunk by `ms` in `direction` (default both), preserving the byte order of a
   * connection: a chunk is never passed on before one that arrived earlier. `0` removes it.
   */
  latency(ms: number, direction?: Direction): void
  /**
   * Passes at most `bytesPerSecond` in `direction` (default both), in slices of at most 1/50 s
   * each, so a big reply trickles in steadily (a slow link) while its connection stays alive.
   * `0` removes the limit. Adds to any latency; byte order is kept.
   */
  bandwidth(bytesPerSecond: number, direction?: Direction): void
  /**
   * Stops forwarding in `direction` (default both): sockets stay open, data is held (and the
   * sender is paused, so TCP pushes back as with a hung peer) until `resume()`. Applies to open
   * and new connections.
   */
  stall(direction?: Direction): void
  /** Ends a stall (default both directions): held data goes on in order, after any latency. */
  resume(direction?: Direction): void
  /** While on, every new connection is closed as soon as it is accepted (open ones are kept). */
  drop(on?: boolean): void
  /**
   * While on, new connections are accepted but never joined to the target: what is sent is
   * thrown away and nothing ever comes back, even after the blackhole is turned off (a packet
   * black hole after the TCP handshake). Open connections are kept; `stall` hangs those.
   */
  blackhole(on?: boolean): void
  /** Sends a TCP RST on every open connection (both sides) and forgets them. */
  reset(): void
  /** Turns every fault off (resumes stalls; latency 0; no bandwidth limit; drop and blackhole off). */
  clear(): void
  /** Open client connections (joined and blackholed). */
  connections(): number
  /** Closes the listener and every connection. */
  close(): Promise<void>
}

interface Pipe {
  direction: 'toServer' | 'toClient'
  from: net.Socket
  to: net.Socket
  queue: { chunk: Buffer; due: number }[]
  timer: NodeJS.Timeout | undefined
  /** The due time of the last chunk queued, so a shorter latency never reorders. */
  lastDue: number
}

/**
 * A TCP proxy in front of `targetHost:targetPort` (a redis-server) whose faults are switched at
 * run time: latency, stall/resume, drop, blackhole, reset. Every fault acts on the proxy's own
 * sockets only, so it works for any client (ioredis, cacheme, redis-cli) and any server.
 */
export async function startFaultProxy(targetPort: number, options: { targetHost?: string; password?: string } = {}): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1'
  const events = new EventEmitter<FaultProxyEvents>()
  // Listeners are optional; an 'error' event never comes from here, so no crash on no listener.
  const delays = { toServer: 0, toClient: 0 }
  const rates = { toServer: 0, toClient: 0 }
  const stalled = { toServer: false, toClient: false }
  let dropping = false
  let blackholing = false
  const pipes = new Set<Pipe>()
  const sockets = new Set<net.Socket>()
  const clients = new Set<net.Socket>()

  const directions = (direction: Direction): ('toServer' | 'toClient')[] => (direction === 'both' ? ['toServer', 'toClient'] : [direction])

  function pump(pipe: Pipe): void {
    if (pipe.timer) return
    while (pipe.queue.length > 0) {
      if (stalled[pipe.direction] || pipe.to.destroyed) return
      const head = pipe.queue[0]!
      const wait = head.due - Date.now()
      if (wait > 0) {
        pipe.timer = setTimeout(() => {
          pipe.timer = undefined
          pump(pipe)
        }, wait)
        return
      }
      pipe.queue.shift()
      pipe.to.write(head.chunk)
      events.emit('forwarded', pipe.direction, head.chunk.length)
    }
    // Everything held went on: let the sender send again (unless stalled).
    if (!stalled[pipe.direction] && pipe.from.isPaused()) pipe.from.resume()
  }

  function onChunk(pipe: Pipe, chunk: Buffer): void {
    const rate = rates[pipe.direction]
    if (rate === 0) {
      const due = Math.max(Date.now() + delays[pipe.direction], pipe.lastDue)
      pipe.lastDue = due
      pipe.queue.push({ chunk, due })
    } else {
      // Each slice is due once the link had the time to carry it after the one before.
      const slice = Math.max(1, Math.floor(rate / 50))
      let due = Math.max(Date.now() + delays[pipe.direction], pipe.lastDue)
      for (let at = 0; at < chunk.length; at += slice) {
        const part = chunk.subarray(at, at + slice)
        due += (part.length * 1000) / rate
        pipe.queue.push({ chunk: part, due })
      }
      pipe.lastDue = due
    }
    if (stalled[pipe.direction]) {
      // Push back on the sender, as a peer that stopped reading does.
      pipe.from.pause()
      events.emit('held', pipe.direction, chunk.length)
      return
    }
    pump(pipe)
  }

  function track(socket: net.Socket): void {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }

  const server = net.createServer((client) => {
    if (dropping) {
      client.on('error', () => {})
      client.destroy()
      events.emit('dropped')
      return
    }
    track(client)
    clients.add(client)
    client.once('close', () => clients.delete(client))
    if (blackholing) {
      client.on('error', () => {})
      client.on('data', (chunk: Buffer) => events.emit('swallowed', chunk.length))
      events.emit('blackholed')
      return
    }
    const upstream = net.connect({ port: targetPort, host: targetHost })
    track(upstream)
    const up: Pipe = { direction: 'toServer', from: client, to: upstream, queue: [], timer: undefined, lastDue: 0 }
    const down: Pipe = { direction: 'toClient', from: upstream, to: client, queue: [], timer: undefined, lastDue: 0 }
    pipes.add(up).add(down)
    client.on('data', (chunk: Buffer) => onChunk(up, chunk))
    upstream.on('data', (chunk: Buffer) => onChunk(down, chunk))
    const closeBoth = () => {
      for (const pipe of [up, down]) {
        clearTimeout(pipe.timer)
        pipes.delete(pipe)
      }
      client.destroy()
      upstream.destroy()
    }
    client.on('close', closeBoth).on('error', closeBoth)
    upstream.on('close', closeBoth).on('error', closeBoth)
    events.emit('connection')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as net.AddressInfo).port
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`

  const proxy: FaultProxy = {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    events,
    latency(ms, direction = 'both') {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`fault-proxy: latency must be >= 0 ms, got ${ms}`)
      for (const d of directions(direction)) delays[d] = ms
    },
    bandwidth(bytesPerSecond, direction = 'both') {
      if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0)
        throw new RangeError(`fault-proxy: bandwidth must be >= 0 bytes/s, got ${bytesPerSecond}`)
      for (const d of directions(direction)) rates[d] = bytesPerSecond
    },
    stall(direction = 'both') {
      for (const d of directions(direction)) stalled[d] = true
    },
    resume(direction = 'both') {
      for (const d of directions(direction)) stalled[d] = false
      for (const pipe of pipes) pump(pipe)
    },
    drop(on = true) {
      dropping = on
    },
    blackhole(on = true) {
      blackholing = on
    },
    reset() {
      for (const socket of [...sockets]) {
        socket.on('error', () => {})
        // RST instead of FIN: the peer sees ECONNRESET, as after a crashed host or a middlebox reset.
        if (socket.readyState === 'opening') socket.destroy()
        else socket.resetAndDestroy()
      }
    },
    clear() {
      delays.toServer = delays.toClient = 0
      rates.toServer = rates.toClient = 0
      dropping = blackholing = false
      proxy.resume('both')
    },
    connections: () => clients.size,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
  return proxy
}
