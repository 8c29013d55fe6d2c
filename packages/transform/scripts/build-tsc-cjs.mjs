// ts-patch 3 loads transformers with require(), so @cacheme/transform/tsc also ships as one
// CommonJS file: src/tsc.ts bundled with the template parser it shares with the runtime.
import { build } from 'esbuild'

await build({
  entryPoints: [new URL('../src/tsc.ts', import.meta.url).pathname],
  outfile: new URL('../dist/tsc.cjs', import.meta.url).pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['typescript'],
  sourcemap: true,
  logLevel: 'warning',
})
