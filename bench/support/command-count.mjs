import { Redis } from './ioredis.mjs'

const NOT_DATA = new Set(['info', 'cluster', 'client', 'ping', 'command', 'hello', 'select', 'readonly', 'quit', 'config'])

/** Counts the data commands (GET, MGET, SET, ...) some Redis servers executed, via INFO commandstats. */
export async function commandCounter(servers) {
  const connections = servers.map((s) => new Redis({ host: s.host, port: s.port }))
  const total = async () => {
    let sum = 0
    for (const c of connections) {
      const text = await c.info('commandstats')
      for (const [, name, calls] of text.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
        if (!NOT_DATA.has(name.split('|')[0])) sum += Number(calls)
      }
    }
    return sum
  }
  return { total, close: async () => { await Promise.all(connections.map((c) => c.quit())) } }
}
