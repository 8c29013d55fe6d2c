// @cacheme/otel's published declarations, as users see them (skipLibCheck false).
import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api'
import { instrument, type InstrumentOptions, type Stop } from '@cacheme/otel'
import { expectType, type Equal } from './assert.js'

const stop = instrument()
expectType<Equal<typeof stop, Stop>>(true)
expectType<Equal<Stop, () => void>>(true)
instrument({})
instrument({ meterProvider: metrics.getMeterProvider(), tracerProvider: trace.getTracerProvider() })
expectType<Equal<InstrumentOptions, { meterProvider?: MeterProvider; tracerProvider?: TracerProvider }>>(true)

// @ts-expect-error: not an option
instrument({ meterprovider: metrics.getMeterProvider() })
// @ts-expect-error: a provider is not the options
instrument(trace.getTracerProvider())
// @ts-expect-error: a tracer provider is not a meter provider
instrument({ meterProvider: trace.getTracerProvider() })
