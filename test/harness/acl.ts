// Redis users with limited permissions (ACL SETUSER) on a private server, for tests of what a
// client does when a command is refused (NOPERM) or its password is wrong (WRONGPASS).
import { randomBytes } from 'node:crypto'
import { Redis } from './ioredis.js'
import type { RedisServer } from './redis-server.js'

/**
 * What the user may not do:
 * - `full`: everything (a control);
 * - `no-scripts`: no EVAL / EVALSHA / EVAL_RO / EVALSHA_RO / FCALL / SCRIPT (`-@scripting`);
 * - `no-publish`: no PUBLISH / SPUBLISH;
 * - `no-subscribe`: no SUBSCRIBE / SSUBSCRIBE / PSUBSCRIBE;
 * - `read-only`: no write command (`-@write`), also not from inside a script.
 */
export type AclProfile = 'full' | 'no-scripts' | 'no-publish' | 'no-subscribe' | 'read-only'

const RULES: Record<AclProfile, string[]> = {
  full: [],
  'no-scripts': ['-@scripting'],
  'no-publish': ['-publish', '-spublish'],
  'no-subscribe': ['-subscribe', '-ssubscribe', '-psubscribe'],
  'read-only': ['-@write'],
}

export interface AclUser {
  readonly name: string
  readonly password: string
  /** `redis://NAME:PASSWORD@127.0.0.1:PORT` */
  readonly url: string
  /** The same user with a wrong password (AUTH fails with WRONGPASS). */
  readonly wrongPasswordUrl: string
}

/**
 * Creates (or replaces) a user on `server` with every key, channel and command (`~* &* +@all`)
 * minus what `profile` (plus `extraRules`, ACL SETUSER syntax) takes away. The server's default
 * user (`server.url`) does the setup.
 */
export async function createAclUser(server: RedisServer, profile: AclProfile, extraRules: string[] = []): Promise<AclUser> {
  const name = `${profile}-${randomBytes(3).toString('hex')}`
  const password = randomBytes(12).toString('hex')
  const admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 })
  try {
    await admin.call('ACL', 'SETUSER', name, 'reset', 'on', `>${password}`, '~*', '&*', '+@all', ...RULES[profile], ...extraRules)
  } finally {
    admin.disconnect()
  }
  const at = `127.0.0.1:${server.port}`
  return {
    name,
    password,
    url: `redis://${name}:${password}@${at}`,
    wrongPasswordUrl: `redis://${name}:not-${password}@${at}`,
  }
}
