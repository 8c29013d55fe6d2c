import { quote, type Emit, type RuntimeName } from '../core/emit.js'

/** Prints emitted code as JavaScript text; `source` pieces are sliced from the module. */
export function printEmit<N>(emit: Emit<N>, code: string, runtime: Record<RuntimeName, string>): string {
  const print = (e: Emit<N>): string => {
    switch (e.kind) {
      case 'string':
        return quote(e.value)
      case 'number':
        return String(e.value)
      case 'null':
        return 'null'
      case 'identifier':
        return e.name
      case 'runtime':
        return runtime[e.name]
      case 'array':
        return `[${e.items.map(print).join(', ')}]`
      case 'object':
        return `{ ${e.properties.map(([key, value]) => `${key}: ${print(value)}`).join(', ')} }`
      case 'call':
        return `${print(e.callee)}(${e.args.map(print).join(', ')})`
      case 'arrow':
        return `(${e.param}) => ${e.body.kind === 'object' ? `(${print(e.body)})` : print(e.body)}`
      case 'concat':
        return e.parts.map(print).join(' + ')
      case 'source':
        return code.slice(e.start, e.end)
    }
  }
  return print(emit)
}
