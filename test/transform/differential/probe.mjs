// Written next to the modules of a differential run as probe.js: what a module observes goes
// into one log, in order, so the runs of one module under different front ends can be compared.
export const log = []
let fetches = 0

/** A fetcher's work: counted, logged, and its value made of what it read. */
export function read(label, ...values) {
  fetches++
  log.push(['fetch', label, ...values])
  return { label, values }
}

/** Runs one step (a get, a key, a name) and logs its value or its error's message. */
export async function observe(label, step) {
  try {
    const value = await step()
    log.push(['value', label, value === undefined ? '(undefined)' : value])
    return value
  } catch (error) {
    log.push(['error', label, error instanceof Error ? `${error.name}: ${error.message}` : String(error)])
    return undefined
  }
}

/** Steps started where nothing can await (static blocks, field initialisers), awaited by the module's run(). */
export const pending = []

export function later(label, step) {
  pending.push(observe(label, step))
}

/** A standard decorator recording a value on the class. */
export function tag(value) {
  return (target) => {
    target.tag = value
  }
}

/** The JSX factory of generated modules: JSX stays data. */
export function h(type, props, ...children) {
  return { type, props, children }
}

export function reset() {
  log.length = 0
  pending.length = 0
  fetches = 0
}

export function fetchCount() {
  return fetches
}
