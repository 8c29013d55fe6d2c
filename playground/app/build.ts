// Builds the example app with esbuild and cacheme's build plugin into app/dist/server.js.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import cacheme from 'unplugin-cacheme/esbuild'

const appDir = fileURLToPath(new URL('../../app/', import.meta.url)) // compiled to dist/app/

await build({
  entryPoints: [`${appDir}src/server.ts`],
  outfile: `${appDir}dist/server.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [cacheme()],
})
