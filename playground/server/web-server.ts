import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import { playgroundApi } from './api-plugin.js'
import { isPort } from './port.js'

export interface WebServer {
  url: string
  close(): Promise<void>
}

/** The playground page: Vite's dev server over playground/web with the API middleware. */
export async function startWebServer(options: { port: number; host: string }): Promise<WebServer> {
  const { port, host } = options
  if (!isPort(port)) throw new RangeError(`startWebServer: port must be 0..65535, got ${port}`)
  // Compiled to dist/server/, the page's sources stay in web/.
  const root = fileURLToPath(new URL('../../web/', import.meta.url))
  const vite: ViteDevServer = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [playgroundApi()],
    server: { port, host, strictPort: true },
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  if (!address || typeof address === 'string') throw new Error('startWebServer: the dev server has no TCP address')
  return { url: `http://${host}:${address.port}/`, close: () => vite.close() }
}
