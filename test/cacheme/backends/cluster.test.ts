import { afterAll, inject } from 'vitest'
import { startCountingCluster } from '../../harness/counting-cluster.js'
import { Cluster } from '../../harness/ioredis.js'
import type { BackendUnderTest } from '../conformance/backend-under-test.js'
import { expectTtlWithPttl } from '../conformance/expect-pttl.js'
import { runConformance } from '../conformance/index.js'

const { seeds, nodes } = inject('redis').cluster
const raw = new Cluster(seeds, { lazyConnect: true })
afterAll(() => raw.disconnect())

const cluster: BackendUnderTest = {
  kind: 'cluster',
  options: () => ({ cluster: seeds }),
  connectionForms: () => [
    { label: "a list of 'host:port' seeds", make: () => ({ options: { cluster: seeds }, owned: true }) },
    { label: 'a list of { host, port } seeds', make: () => ({ options: { cluster: nodes }, owned: true }) },
    {
      label: 'seeds with ioredis cluster options',
      make: () => ({ options: { cluster: { nodes: seeds, options: { slotsRefreshTimeout: 2000 } } }, owned: true }),
    },
    {
      label: 'an existing ioredis Cluster instance',
      make: () => {
        const instance = new Cluster(seeds)
        return { options: { redis: instance }, owned: false, instance, release: () => instance.disconnect() }
      },
    },
  ],
  expectTtl: expectTtlWithPttl(raw),
  async indexTtls(prefix) {
    if (raw.status !== 'ready') await raw.connect()
    const ttls: number[] = []
    for (const node of raw.nodes('master')) {
      for (const key of await node.keys(`${prefix}:~index:*`)) ttls.push(await node.pttl(key))
    }
    return ttls
  },
  counting: {
    async start() {
      const counting = await startCountingCluster(seeds)
      return {
        options: { cluster: counting.seeds, clusterOptions: counting.clusterOptions },
        reset: () => counting.reset(),
        busyNodes: () => counting.busyNodes(),
        close: () => counting.close(),
      }
    },
  },
  async nodeOf(key) {
    if (raw.status !== 'ready') await raw.connect()
    const slot = (await raw.cluster('KEYSLOT', key)) as number
    const [address] = (raw.slots as string[][])[slot]!
    return address!
  },
}

runConformance(cluster)
