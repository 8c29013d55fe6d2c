import { describe, expect, test } from 'vitest'
import { CHANGED_NOTICE, decodeNotice, encodeNotice, type Notice } from '../../../packages/cacheme/src/herd/notice.js'

const TOKEN = 'ab'.repeat(16)

describe('notices', () => {
  test('every kind round-trips', () => {
    const notices: Notice[] = [
      { token: TOKEN, kind: 'value', bytes: Buffer.from([0xc1, 1, 2]) },
      { token: TOKEN, kind: 'filled' },
      { token: TOKEN, kind: 'error', message: 'source down: é' },
      { token: TOKEN, kind: 'timeout', timeoutMs: 300, key: 'fresh:a b:v1' },
      { token: '', kind: 'changed' },
    ]
    for (const notice of notices) expect(decodeNotice(encodeNotice(notice))).toEqual(notice)
    expect(encodeNotice({ token: '', kind: 'changed' })).toBe(CHANGED_NOTICE)
  })

  test('a timeout notice without its duration is no notice', () => {
    expect(decodeNotice(Buffer.from(`t${TOKEN}soon key`, 'latin1'))).toBeUndefined()
    expect(decodeNotice(Buffer.from(`t${TOKEN}300`, 'latin1'))).toBeUndefined()
  })
})
