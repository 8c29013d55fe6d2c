// The codec benchmarks' clock: this process's CPU time (user + system) per call of `fn` over
// `inputs`, looped for `roundMs` of wall time.

function cpuMicros() {
  const { user, system } = process.cpuUsage()
  return user + system
}

// Every result is compared with it, so the JIT can't drop a call whose result is unused.
let sink = 0

/** CPU µs per call of `fn(input)`, over `inputs` again and again for `roundMs`. */
export function cpuPerValue(fn, inputs, roundMs) {
  const until = performance.now() + roundMs
  const start = cpuMicros()
  let done = 0
  // The clock is read once per pass over the inputs: cheap next to 20 decodes, and a slow
  // candidate on a loaded machine can't overrun the round by much.
  while (performance.now() < until) {
    for (let i = 0; i < inputs.length; i++) {
      if (fn(inputs[i]) === sink) sink++
    }
    done += inputs.length
  }
  return (cpuMicros() - start) / done
}
