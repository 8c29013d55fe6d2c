/** A short, safe description of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}${typeof value === 'bigint' ? 'n' : ''}`
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value === 'symbol') return value.toString()
  if (Array.isArray(value)) return `array of length ${value.length}`
  const ctor = (value as object).constructor?.name
  return ctor && ctor !== 'Object' ? `${ctor} instance` : 'object'
}
