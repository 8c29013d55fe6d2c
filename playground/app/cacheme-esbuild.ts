// TEMPORARY STUB until unplugin-cacheme lands: replaced by `export { default } from 'unplugin-cacheme/esbuild'`.
import type { Plugin } from 'esbuild'
export default function cacheme(): Plugin {
  return { name: 'cacheme-stub', setup() {} }
}
