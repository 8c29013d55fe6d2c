import calculateSlot from 'cluster-key-slot'
import type { Cluster } from 'ioredis'

/**
 * Groups key positions by the master that serves them, so a batch costs one round trip per
 * node: ioredis refuses a cluster pipeline whose keys live on different nodes.
 * Before the slot map is known, keys are grouped by slot, which is always safe.
 */
export function groupByNode(cluster: Cluster, keys: readonly string[]): number[][] {
  const slots = cluster.slots as string[][]
  const groups = new Map<string, number[]>()
  for (let i = 0; i < keys.length; i++) {
    const slot = calculateSlot(keys[i]!)
    const node = slots[slot]?.[0] ?? `slot:${slot}`
    let group = groups.get(node)
    if (!group) groups.set(node, (group = []))
    group.push(i)
  }
  return [...groups.values()]
}
