import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { createServer } from 'vite'
import vitePlugin from 'unplugin-cacheme/vite'

const CACHEME = fileURLToPath(new URL('../../packages/cacheme/dist/index.js', import.meta.url))
const define = (ttl: string) => `import { cached } from 'cacheme'\nexport const x = cached('t:<<id>>', (p) => p, { ttl: '${ttl}' })\n`

test('vite dev: a module no longer imported (still on disk) stops counting for conflicts, and counts again once imported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cacheme-vite-dev-'))
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text)
  write('main.js', "import './a.js'\nimport './b.js'\n")
  write('a.js', define('1m'))
  write('b.js', define('1m'))
  const server = await createServer({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    appType: 'custom',
    plugins: [vitePlugin()],
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    resolve: { alias: { cacheme: CACHEME } },
  })
  const graph = server.environments.client.moduleGraph
  // What the watcher would do on a change: the module is transformed again on its next request.
  const edit = async (name: string, text: string) => {
    write(name, text)
    graph.invalidateModule((await graph.getModuleByUrl(`/${name}`))!)
    return server.transformRequest(`/${name}`)
  }
  try {
    for (const name of ['main.js', 'a.js', 'b.js']) await server.transformRequest(`/${name}`)
    await edit('main.js', "import './a.js'\n")
    expect((await edit('a.js', define('2m')))!.code).toContain('ttl: 120000')
    await edit('main.js', "import './a.js'\nimport './b.js'\n")
    await expect(edit('a.js', define('3m'))).rejects.toThrow(
      /a\.js:2:18: cacheme: template 't:<<id>>' is defined here with ttl '3m' and at .*b\.js:2:18 with ttl '1m'/,
    )
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
