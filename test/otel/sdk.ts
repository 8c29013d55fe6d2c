// The real OpenTelemetry SDK, in memory: a MeterProvider read by hand (MetricReader.collect())
// and a BasicTracerProvider exporting each ended span at once (SimpleSpanProcessor →
// InMemorySpanExporter). What @cacheme/otel records is read back from there.
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { Attributes } from '@opentelemetry/api'

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface Sdk {
  meterProvider: MeterProvider
  tracerProvider: BasicTracerProvider
  /** Every metric collected now, by name (cumulative since the provider was made). */
  metrics(): Promise<Map<string, MetricData>>
  /** `cacheme.operations` as `{ "store op": count }` (a point without cacheme.store counts as store ""). */
  operations(): Promise<Record<string, number>>
  /** The points of `cacheme.fetch.duration`. */
  fetchDurations(): Promise<DataPoint<Histogram>[]>
  /** The spans ended so far, in the order they ended. */
  spans(): ReadableSpan[]
  shutdown(): Promise<void>
}

export function createSdk(): Sdk {
  const reader = new ManualReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const exporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const metrics = async () => {
    const { resourceMetrics, errors } = await reader.collect()
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed')
    const byName = new Map<string, MetricData>()
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric)
    }
    return byName
  }
  return {
    meterProvider,
    tracerProvider,
    metrics,
    async operations() {
      const counts: Record<string, number> = {}
      for (const point of (await metrics()).get('cacheme.operations')?.dataPoints ?? []) {
        const { 'cacheme.store': store = '', 'cacheme.op': op } = point.attributes as Attributes
        counts[`${String(store)} ${String(op)}`] = point.value as number
      }
      return counts
    },
    async fetchDurations() {
      return ((await metrics()).get('cacheme.fetch.duration')?.dataPoints ?? []) as DataPoint<Histogram>[]
    },
    spans: () => exporter.getFinishedSpans(),
    async shutdown() {
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
    },
  }
}

/** The one span named `name` (fails if there are none or several). */
export function onlySpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name)
  if (found.length !== 1)
    throw new Error(`expected one span '${name}', found ${found.length} among ${spans.map((s) => s.name).join(', ') || 'none'}`)
  return found[0]!
}

/** Whether `child` is a direct child of `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId && child.spanContext().traceId === parent.spanContext().traceId
}
