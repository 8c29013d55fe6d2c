import { Redis } from './ioredis.mjs'

const NOT_DATA = new Set(['info', 'cluster', 'client', 'ping', 'command', 'hello', 'select', 'readonly', 'quit', 'config'])

/**
 * Counts what some Redis servers did: the data commands they executed (GET, MGET, SET, ...; INFO
 * commandstats) and the client reads they processed (INFO stats `total_reads_processed`: one per
 * burst of commands a client wrote, i.e. one per round trip).
 */
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
  const reads = async () => {
    let sum = 0
    for (const c of connections) sum += Number(/^total_reads_processed:(\d+)/m.exec(await c.info('stats'))?.[1] ?? NaN)
    return sum
  }
  return { total, reads, close: async () => { await Promise.all(connections.map((c) => c.quit())) } }
}
