import { tsImport } from 'tsx/esm/api'

// The test harness (TypeScript) starts real redis-server processes on free ports; never 6379.
const harness = (path) => tsImport(new URL(`../../test/harness/${path}`, import.meta.url).href, import.meta.url)

export async function startStandalone() {
  const { startRedisServer } = await harness('redis-server.ts')
  return startRedisServer()
}

export async function startCluster() {
  const { startRedisCluster } = await harness('redis-cluster.ts')
  return startRedisCluster({ masters: 3, replicasPerMaster: 0 })
}

export async function countingProxy(port) {
  const { startCountingProxy } = await harness('counting-proxy.ts')
  return startCountingProxy(port)
}

export async function countingCluster(seeds) {
  const { startCountingCluster } = await harness('counting-cluster.ts')
  return startCountingCluster(seeds)
}
