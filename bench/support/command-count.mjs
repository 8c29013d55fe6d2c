import { Redis } from './ioredis.mjs'

const NOT_DATA = new Set(['info', 'cluster', 'client', 'ping', 'command', 'hello', 'select', 'readonly', 'quit', 'config'])

/**
 * Counts what some Redis servers did: the data commands they executed (GET, MGET, SET, ...; INFO
 * commandstats) and the client reads they processed (INFO stats `total_reads_processed`: one per
 * burst of commands a client wrote, i.e. one per round trip), the server's CPU time (INFO cpu
 * `used_cpu_sys` + `used_cpu_user`, µs) and the time spent executing data commands (the `usec`
 * of commandstats, µs; commands run by scripts are counted there as well as the EVALSHA).
 */
export async function commandCounter(servers) {
  const connections = servers.map((s) => new Redis({ host: s.host, port: s.port }))
  /** Data commands executed, by name, summed over the servers. */
  const byName = async () => {
    const counts = new Map()
    for (const c of connections) {
      const text = await c.info('commandstats')
      for (const [, name, calls] of text.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
        if (!NOT_DATA.has(name.split('|')[0])) counts.set(name, (counts.get(name) ?? 0) + Number(calls))
      }
    }
    return counts
  }
  const total = async () => {
    let sum = 0
    for (const n of (await byName()).values()) sum += n
    return sum
  }
  const reads = async () => {
    let sum = 0
    for (const c of connections) sum += Number(/^total_reads_processed:(\d+)/m.exec(await c.info('stats'))?.[1] ?? NaN)
    return sum
  }
  /** Keys the servers looked up (INFO stats keyspace_hits + keyspace_misses: an MGET of 10 keys counts 10). */
  const lookups = async () => {
    let sum = 0
    for (const c of connections) {
      const text = await c.info('stats')
      sum += Number(/^keyspace_hits:(\d+)/m.exec(text)[1]) + Number(/^keyspace_misses:(\d+)/m.exec(text)[1])
    }
    return sum
  }
  const cpu = async () => {
    let sum = 0
    for (const c of connections) {
      const text = await c.info('cpu')
      sum += Number(/^used_cpu_sys:([\d.]+)/m.exec(text)[1]) + Number(/^used_cpu_user:([\d.]+)/m.exec(text)[1])
    }
    return sum * 1e6
  }
  const usec = async () => {
    let sum = 0
    for (const c of connections) {
      const text = await c.info('commandstats')
      for (const [, name, us] of text.matchAll(/^cmdstat_([a-z|]+):calls=\d+,usec=(\d+)/gm)) {
        if (!NOT_DATA.has(name.split('|')[0])) sum += Number(us)
      }
    }
    return sum
  }
  return {
    total,
    byName,
    reads,
    lookups,
    cpu,
    usec,
    close: async () => {
      await Promise.all(connections.map((c) => c.quit()))
    },
  }
}
