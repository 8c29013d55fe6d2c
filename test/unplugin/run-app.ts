import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Redis } from '../harness/ioredis.js'

export interface AppRun {
  values: unknown[]
  lines: string[]
  calls: Record<string, number>
  /** Every key the run left under its prefix (prefix removed), with its value and whether it expires. */
  keys: Record<string, { value: string; expires: boolean }>
}

/** Runs a built (or source) entry of the fixture app in a child process against Redis. */
export async function runApp(entry: string, url: string, prefix: string): Promise<AppRun> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', entry, url, prefix])
  return { ...JSON.parse(stdout), keys: await keysOf(url, prefix) }
}

/** The stack of the error a fetcher in the app throws, as Node prints it with source maps on. */
export async function explodeApp(entry: string, url: string, prefix: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', entry, url, prefix, 'explode'])
  return JSON.parse(stdout).stack
}

export async function keysOf(url: string, prefix: string): Promise<AppRun['keys']> {
  const redis = new Redis(url)
  try {
    const keys = (await redis.keys(`${prefix}:*`)).sort()
    const out: AppRun['keys'] = {}
    for (const key of keys) {
      const type = await redis.type(key)
      const value =
        type === 'string'
          ? (await redis.getBuffer(key))!.toString('base64')
          : `${type}:${(await redis.smembers(key).catch(() => []))
              .map((m) => m.replace(prefix, '<prefix>'))
              .sort()
              .join(',')}`
      out[key.slice(prefix.length + 1)] = { value, expires: (await redis.pttl(key)) > 0 }
    }
    return out
  } finally {
    redis.disconnect()
  }
}
