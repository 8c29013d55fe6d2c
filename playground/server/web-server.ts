import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import { playgroundApi } from './api-plugin.js'
import { isPort } from './port.js'

export interface WebServer {
  url: string
  close(): Promise<void>
}

export interface WebServerOptions {
  port: number
  host: string
  /**
   * The example app's URL (`http://127.0.0.1:3000/`): the page reaches it under `/app/` (its
   * `/metrics` for the live chart, its API for the burst button), same origin, no CORS.
   */
  app?: string
}

/** The playground page: Vite's dev server over playground/web with the API middleware. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { port, host, app } = options
  if (!isPort(port)) throw new RangeError(`startWebServer: port must be 0..65535, got ${port}`)
  if (app !== undefined && !/^https?:\/\/[^/]+\/?$/.test(app))
    throw new TypeError(`startWebServer: app must be an http:// origin like 'http://127.0.0.1:3000/', got ${JSON.stringify(app)}`)
  // Compiled to dist/server/, the page's sources stay in web/.
  const root = fileURLToPath(new URL('../../web/', import.meta.url))
  const vite: ViteDevServer = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [playgroundApi({ app })],
    server: {
      port,
      host,
      strictPort: true,
      proxy: app ? { '/app/': { target: app, rewrite: (path) => path.slice('/app'.length) } } : {},
    },
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  if (!address || typeof address === 'string') throw new Error('startWebServer: the dev server has no TCP address')
  return { url: `http://${host}:${address.port}/`, close: () => vite.close() }
}
