import { tsImport } from 'tsx/esm/api'

/**
 * A TCP proxy in front of one Redis node that counts what clients *send*: round trips (the
 * harness's counting proxy, test/harness/counting-proxy.ts) and commands, by name, parsed from
 * the RESP arrays clients write. INFO commandstats can't give "commands sent": commands a script
 * runs (redis.call) are counted there too. Traffic only to 127.0.0.1.
 */
export async function startCommandProxy(targetPort, targetHost = '127.0.0.1') {
  const { startCountingProxy } = await tsImport(new URL('../../test/harness/counting-proxy.ts', import.meta.url).href, import.meta.url)
  let names = new Map()
  const proxy = await startCountingProxy(targetPort, targetHost, () => respCommands((name) => names.set(name, (names.get(name) ?? 0) + 1)))
  return {
    port: proxy.port,
    roundTrips: () => proxy.roundTrips(),
    /** Commands sent since the last reset, by lower-case name. */
    commands: () => new Map(names),
    reset: () => {
      proxy.reset()
      names = new Map()
    },
    close: () => proxy.close(),
  }
}

/** One command proxy per cluster node, with the ioredis natMap that routes through them. */
export async function startCommandCluster(seeds) {
  const proxies = new Map()
  for (const seed of seeds) {
    const [, host, port] = /^(.+):(\d+)$/.exec(seed)
    proxies.set(seed, await startCommandProxy(Number(port), host))
  }
  const natMap = {}
  for (const [seed, proxy] of proxies) natMap[seed] = { host: '127.0.0.1', port: proxy.port }
  const all = [...proxies.values()]
  return {
    seeds: all.map((p) => `127.0.0.1:${p.port}`),
    natMap,
    roundTrips: () => all.reduce((sum, p) => sum + p.roundTrips(), 0),
    commands: () => {
      const sum = new Map()
      for (const p of all) for (const [name, n] of p.commands()) sum.set(name, (sum.get(name) ?? 0) + n)
      return sum
    },
    reset: () => all.forEach((p) => p.reset()),
    close: async () => {
      await Promise.all(all.map((p) => p.close()))
    },
  }
}

/**
 * A streaming parser of the client side of RESP: arrays of bulk strings (`*N`, then N times
 * `$len` + bytes), which is all ioredis writes. Calls `onCommand(name)` per complete command.
 */
function respCommands(onCommand) {
  let pending = Buffer.alloc(0)
  let args = -1 // bulk strings left in the current array; -1: expecting an array header
  let name
  let first = false
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
    let at = 0
    for (;;) {
      if (args === -1) {
        const eol = pending.indexOf('\r\n', at)
        if (eol === -1) break
        if (pending[at] !== 0x2a)
          throw new Error(`command proxy: expected a RESP array, got ${JSON.stringify(pending.toString('latin1', at, at + 20))}`)
        args = Number(pending.toString('latin1', at + 1, eol))
        at = eol + 2
        first = true
        if (args === 0) {
          args = -1
          continue
        }
      }
      const eol = pending.indexOf('\r\n', at)
      if (eol === -1) break
      const length = Number(pending.toString('latin1', at + 1, eol))
      if (pending.length < eol + 2 + length + 2) break
      if (first) name = pending.toString('latin1', eol + 2, eol + 2 + length).toLowerCase()
      first = false
      at = eol + 2 + length + 2
      if (--args === 0) {
        args = -1
        onCommand(name)
      }
    }
    pending = pending.subarray(at)
  }
}
