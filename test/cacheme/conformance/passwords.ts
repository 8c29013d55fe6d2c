import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cached, createClient } from 'cacheme'
import { recordingLogger } from './backend-under-test.js'

type Protected = { url: string; password: string; stop(): Promise<void> }

/** A Redis URL's password never appears in a log line or an error message. */
export function passwordConformance(start: () => Promise<Protected>): void {
  describe('passwords', () => {
    let server: Protected
    beforeAll(async () => {
      server = await start()
    })
    afterAll(() => server.stop())

    it('a URL with the password connects; the client describes itself without it', async () => {
      const logger = recordingLogger()
      const client = createClient({ redis: server.url, prefix: 'pw', logger })
      try {
        const store = cached('secret:<<id>>', ({ id }: { id: string }) => id, { client })
        expect(await store.get({ id: '1' })).toBe('1')
        expect(await store.get({ id: '1' })).toBe('1')
        expect(logger.ops()).toEqual(['MISS', 'FETCH', 'HIT'])
        expect(client.description).not.toContain(server.password)
        expect(client.description).toContain(':***@')
        expect(JSON.stringify(logger.lines)).not.toContain(server.password)
      } finally {
        await client.close()
      }
    })

    it('errors about a bad URL or bad options never show the password', () => {
      const bad = server.url.replace('redis://', 'http://')
      expect(() => createClient({ redis: bad })).toThrow(/must start with redis:\/\//)
      try {
        createClient({ redis: bad })
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(server.password)
        expect(String((error as Error).stack)).not.toContain(server.password)
      }
      try {
        createClient({ redis: server.url, cluster: ['127.0.0.1:1'] })
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(server.password)
      }
    })

    it('a wrong password never shows either password in logs, errors or console output', async () => {
      const wrong = 'Wrong-Pw-0815'
      const url = server.url.replace(encodeURIComponent(server.password), wrong)
      const printed: string[] = []
      const spies = (['log', 'error', 'warn', 'info', 'debug'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          printed.push(args.map(String).join(' '))
        }),
      )
      const logger = recordingLogger()
      const client = createClient({ redis: url, prefix: 'pw', logger })
      try {
        const store = cached('secret:<<id>>', ({ id }: { id: string }) => `fetched ${id}`, { client })
        const outcome = await store.get({ id: '2' }).then(
          (value) => `value: ${value}`,
          (error: Error) => `error: ${error.message}\n${error.stack}`,
        )
        // Redis refuses the connection: the call falls back to the fetcher and logs ERROR.
        expect(outcome).toBe('value: fetched 2')
        expect(logger.ops()).toContain('ERROR')
        const everything = [outcome, client.description, JSON.stringify(logger.lines), ...printed].join('\n')
        expect(everything).not.toContain(wrong)
        expect(everything).not.toContain(server.password)
      } finally {
        await client.close()
        spies.forEach((spy) => spy.mockRestore())
      }
    })
  })
}
