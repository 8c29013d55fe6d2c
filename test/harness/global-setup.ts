import type { TestProject } from 'vitest/node'
import { startRedisCluster } from './redis-cluster.js'
import { startRedisServer } from './redis-server.js'

export interface ProvidedRedis {
  standalone: { host: string; port: number; url: string }
  cluster: { seeds: string[]; nodes: { host: string; port: number }[] }
}

declare module 'vitest' {
  interface ProvidedContext {
    redis: ProvidedRedis
  }
}

/** One standalone redis-server and one 3 + 3 Redis Cluster for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const standalone = await startRedisServer()
  let cluster
  try {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 })
  } catch (error) {
    await standalone.stop()
    throw error
  }
  project.provide('redis', {
    standalone: { host: standalone.host, port: standalone.port, url: standalone.url },
    cluster: { seeds: cluster.seeds, nodes: cluster.nodes.map((n) => ({ host: n.host, port: n.port })) },
  })
  return async () => {
    await Promise.all([standalone.stop(), cluster.stop()])
  }
}
