// One process of the local-tier staleness scenario (i): opens the contestant named in argv and
// answers the parent's messages. { kind: 'watch', id, version, pace }: get the record until it
// has `version`, then answer when it was first seen (hrtime, ns: one clock for the machine);
// pace 'spin': one event-loop turn between gets (a process at 100 % CPU), 'paced': a 1 ms timer
// between gets (a process with CPU to spare, as a service mostly is). { kind: 'write',
// id, version }: write the record through the contestant, answer when the write resolved.
import { localContestants } from '../contestants.mjs'
import { bookValue } from '../support/value.mjs'

const [name, url, prefix] = process.argv.slice(2)
const contestant = localContestants.find((c) => c.name === name)
const c = await contestant.open({ url, prefix, ttlSeconds: 600, fetch: async (id) => ({ ...bookValue(id), version: 0 }) })
const GIVE_UP_MS = 2000

process.on('message', async (message) => {
  if (message.kind === 'exit') {
    await c.close()
    process.disconnect()
    return
  }
  if (message.kind === 'warm') {
    for (let i = 0; i < 20; i++) await c.get(message.id)
    process.send({ kind: 'warm' })
    return
  }
  if (message.kind === 'write') {
    await c.set(message.id, { ...bookValue(message.id), version: message.version })
    process.send({ kind: 'written', resolvedNs: String(process.hrtime.bigint()) })
    return
  }
  // watch
  process.send({ kind: 'watching' })
  const deadline = performance.now() + GIVE_UP_MS
  let reads = 0
  for (;;) {
    const value = await c.get(message.id)
    reads++
    if (value.version >= message.version) {
      process.send({ kind: 'seen', seenNs: String(process.hrtime.bigint()), reads })
      return
    }
    if (performance.now() > deadline) {
      process.send({ kind: 'seen', seenNs: null, reads })
      return
    }
    await (message.pace === 'paced' ? new Promise((resolve) => setTimeout(resolve, 1)) : new Promise(setImmediate))
  }
})
process.send({ kind: 'ready' })
