import { afterAll, inject } from 'vitest'
import { startCountingCluster } from '../../harness/counting-cluster.js'
import { Cluster } from '../../harness/ioredis.js'
import type { BackendUnderTest } from '../conformance/backend-under-test.js'
import { expectTtlWithPttl } from '../conformance/expect-pttl.js'
import { runConformance } from '../conformance/index.js'

const { seeds, nodes } = inject('redis').cluster
const raw = new Cluster(seeds, { lazyConnect: true })
afterAll(() => raw.disconnect())
let connecting: Promise<void> | undefined
/** Connects `raw` once, however many checks ask at the same time. */
const connected = () => (raw.status === 'ready' ? Promise.resolve() : (connecting ??= raw.connect()))

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
  indexTtls: (prefix) => ttlsOf(`${prefix}:~index:*`),
  tagSetTtls: (prefix) => ttlsOf(`${prefix}:~tag:*`),
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
    await connected()
    const slot = (await raw.cluster('KEYSLOT', key)) as number
    const [address] = (raw.slots as string[][])[slot]!
    return address!
  },
}

/** The PTTL of every key matching `pattern`, on every master. */
async function ttlsOf(pattern: string): Promise<number[]> {
  await connected()
  const ttls: number[] = []
  for (const node of raw.nodes('master')) {
    for (const key of await node.keys(pattern)) ttls.push(await node.pttl(key))
  }
  return ttls
}

runConformance(cluster)
