import { quote, type Emit, type RuntimeName } from '../core/emit.js'
import type { Segment } from './edits.js'

/** Prints emitted code as JavaScript; `source` pieces stay ranges, so they can be moved with their mappings. */
export function printEmit<N>(emit: Emit<N>, runtime: Record<RuntimeName, string>): Segment[] {
  const out: Segment[] = []
  // The text since the last source piece, joined once (not a string grown a piece at a time).
  let run: string[] = []
  const text = (t: string) => void run.push(t)
  const flush = () => {
    if (run.length > 0) out.push(run.join(''))
    run = []
  }
  const list = (items: Emit<N>[], separator: string) =>
    items.forEach((item, i) => {
      if (i > 0) text(separator)
      print(item)
    })
  const print = (e: Emit<N>): void => {
    switch (e.kind) {
      case 'string':
        return text(quote(e.value))
      case 'number':
        return text(String(e.value))
      case 'null':
        return text('null')
      case 'identifier':
        return text(e.name)
      case 'runtime':
        return text(runtime[e.name])
      case 'array':
        text('[')
        list(e.items, ', ')
        return text(']')
      case 'object':
        text('{ ')
        e.properties.forEach(([key, value], i) => {
          text(`${i > 0 ? ', ' : ''}${key}: `)
          print(value)
        })
        return text(' }')
      case 'call':
        print(e.callee)
        text('(')
        list(e.args, ', ')
        return text(')')
      case 'arrow':
        text(`(${e.param}) => `)
        return print(e.body)
      case 'concat':
        return list(e.parts, ' + ')
      case 'source':
        flush()
        out.push({ start: e.start, end: e.end })
    }
  }
  print(emit)
  flush()
  return out
}
