// instrument()'s input: a TypeError that names the bad option, before anything is subscribed.
import { channel, tracingChannel } from 'node:diagnostics_channel'
import { expect, it } from 'vitest'
import { metrics, trace } from '@opentelemetry/api'
import { instrument } from '@cacheme/otel'

const bad: [string, unknown, RegExp][] = [
  ['null', null, /instrument\(\) takes \{ meterProvider\?, tracerProvider\? \} or nothing, got null/],
  ['a number', 5, /got number 5/],
  ['an array', [], /got array of length 0/],
  [
    'a provider itself',
    trace.getTracerProvider(),
    /takes options, not a provider: got ProxyTracerProvider instance; pass \{ tracerProvider: provider \}/,
  ],
  ['a meter provider itself', metrics.getMeterProvider(), /not a provider: .*pass \{ meterProvider: provider \}/],
  ['a class instance', new Map(), /takes a plain object \{ meterProvider\?, tracerProvider\? \}, got Map instance/],
  [
    'a misspelt option',
    { meterprovider: metrics.getMeterProvider() },
    /has no option 'meterprovider' \(it takes meterProvider and tracerProvider\)/,
  ],
  [
    'a meterProvider without getMeter',
    { meterProvider: {} },
    /meterProvider must be an OpenTelemetry MeterProvider \(with getMeter\(\)\), got object/,
  ],
  ['a meterProvider that is a function', { meterProvider: () => {} }, /meterProvider must be .*got function/],
  [
    'a tracerProvider that is a string',
    { tracerProvider: 'jaeger' },
    /tracerProvider must be an OpenTelemetry TracerProvider \(with getTracer\(\)\), got "jaeger"/,
  ],
  [
    'a tracerProvider of the wrong kind',
    { tracerProvider: metrics.getMeterProvider() },
    /tracerProvider must be .*got NoopMeterProvider instance/,
  ],
]

it.each(bad)('rejects %s with a TypeError naming it', (_what, options, message) => {
  expect(() => instrument(options as never)).toThrow(TypeError)
  expect(() => instrument(options as never)).toThrow(message)
  expect(tracingChannel('cacheme:get').hasSubscribers).toBe(false)
  expect(channel('cacheme:op').hasSubscribers).toBe(false)
})

it('takes nothing, {}, or explicit undefined options', () => {
  for (const options of [undefined, {}, { meterProvider: undefined, tracerProvider: undefined }]) {
    const stop = instrument(options)
    expect(channel('cacheme:op').hasSubscribers).toBe(true)
    stop()
    expect(channel('cacheme:op').hasSubscribers).toBe(false)
  }
})
