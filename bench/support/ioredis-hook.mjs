// Resolves the bare specifier 'ioredis' (bentocache's redis driver and @boringnode/bus import it
// as a peer dependency, which the root does not install) to the very ioredis the cacheme runtime
// uses, so every contestant talks to Redis through the same client library version. Copies of
// the runtime's dist under bench/.ab/ (see ab.mjs) resolve their imports as the runtime does.
const runtimeIoredis = new URL('../../packages/cacheme/node_modules/ioredis/built/index.js', import.meta.url).href
const runtimeParent = new URL('../../packages/cacheme/dist/index.js', import.meta.url).href
const abCopies = new URL('../.ab/', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'ioredis') return nextResolve(runtimeIoredis, context)
  if (context.parentURL?.startsWith(abCopies) && !/^[./]|^file:|^node:/.test(specifier)) {
    return nextResolve(specifier, { ...context, parentURL: runtimeParent })
  }
  return nextResolve(specifier, context)
}
