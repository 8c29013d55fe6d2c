export { instrument, type Stop } from './instrument.js'
export type { InstrumentOptions } from './options.js'
