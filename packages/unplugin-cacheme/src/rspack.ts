import type { RspackPluginInstance } from '@rspack/core'
import unplugin from './index.js'
import type { Options } from './options.js'

// Annotated so the declaration names @rspack/core's type: inferred, it is spelled as unplugin's
// re-export of it, and unplugin's d.ts imports every bundler unplugin supports.
const rspack: (options?: Options) => RspackPluginInstance = unplugin.rspack
export default rspack
