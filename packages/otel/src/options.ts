import type { MeterProvider, TracerProvider } from '@opentelemetry/api'

export interface InstrumentOptions {
  /** Where the metrics go. Default: the global MeterProvider as it is when instrument() is called. */
  meterProvider?: MeterProvider
  /** Where the spans go. Default: the global TracerProvider (OTel's proxy, so one registered later counts too). */
  tracerProvider?: TracerProvider
}

const OPTIONS = ['meterProvider', 'tracerProvider'] as const

/** instrument()'s options, checked: a TypeError names the first bad one. */
export function checkOptions(options: unknown): InstrumentOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`@cacheme/otel: instrument() takes { meterProvider?, tracerProvider? } or nothing, got ${describeValue(options)}`)
  }
  if (hasMethod(options, 'getMeter') || hasMethod(options, 'getTracer')) {
    const which = hasMethod(options, 'getMeter') ? 'meterProvider' : 'tracerProvider'
    throw new TypeError(
      `@cacheme/otel: instrument() takes options, not a provider: got ${describeValue(options)}; pass { ${which}: provider }`,
    )
  }
  const proto: unknown = Object.getPrototypeOf(options)
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `@cacheme/otel: instrument() takes a plain object { meterProvider?, tracerProvider? }, got ${describeValue(options)}`,
    )
  }
  for (const name of Object.keys(options)) {
    if (!(OPTIONS as readonly string[]).includes(name)) {
      throw new TypeError(`@cacheme/otel: instrument() has no option '${name}' (it takes meterProvider and tracerProvider)`)
    }
  }
  const { meterProvider, tracerProvider } = options as Record<string, unknown>
  if (meterProvider !== undefined && !hasMethod(meterProvider, 'getMeter')) {
    throw new TypeError(
      `@cacheme/otel: instrument()'s meterProvider must be an OpenTelemetry MeterProvider (with getMeter()), got ${describeValue(meterProvider)}`,
    )
  }
  if (tracerProvider !== undefined && !hasMethod(tracerProvider, 'getTracer')) {
    throw new TypeError(
      `@cacheme/otel: instrument()'s tracerProvider must be an OpenTelemetry TracerProvider (with getTracer()), got ${describeValue(tracerProvider)}`,
    )
  }
  return { meterProvider: meterProvider as MeterProvider | undefined, tracerProvider: tracerProvider as TracerProvider | undefined }
}

function hasMethod(value: unknown, name: string): boolean {
  return value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)[name] === 'function'
}

/** A short description of a bad value for an error message (the runtime's describeValue, in short). */
function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value)
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`
  if (Array.isArray(value)) return `array of length ${value.length}`
  const ctor = (value as object).constructor?.name
  return ctor && ctor !== 'Object' ? `${ctor} instance` : 'object'
}
