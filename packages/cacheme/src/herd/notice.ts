import { TOKEN_LENGTH } from '../codec/frame.js'

/**
 * What goes out on a key's channel. A lock holder publishes when its fill ends: which fill
 * (token) and its outcome: the stored bytes (a framed value), "filled" (too large to publish:
 * GET it), or the fetch's error message. A set or invalidate publishes "changed": whoever waits
 * on that key re-checks it now, whatever fill they waited for.
 */
export type Notice =
  | { token: string; kind: 'value'; bytes: Buffer }
  | { token: string; kind: 'filled' }
  | { token: string; kind: 'error'; message: string }
  /** The fetch ran past its hard timeout (`key`: without the client's prefix, as in the error). */
  | { token: string; kind: 'timeout'; timeoutMs: number; key: string }
  | { token: ''; kind: 'changed' }

/** Values up to this size travel in the notice; larger ones are read back with GET. */
export const MAX_NOTICE_VALUE_BYTES = 64 * 1024

const KIND_CODE = { value: 0x76, filled: 0x66, error: 0x65, timeout: 0x74, changed: 0x63 } as const

/** The notice of a set or invalidate. */
export const CHANGED_NOTICE = Buffer.from([KIND_CODE.changed])

export function encodeNotice(notice: Notice): Buffer {
  if (notice.kind === 'changed') return CHANGED_NOTICE
  const head = Buffer.from(String.fromCharCode(KIND_CODE[notice.kind]) + notice.token, 'latin1')
  if (notice.kind === 'value') return Buffer.concat([head, notice.bytes])
  if (notice.kind === 'error') return Buffer.concat([head, Buffer.from(notice.message, 'utf8')])
  if (notice.kind === 'timeout') return Buffer.concat([head, Buffer.from(`${notice.timeoutMs} ${notice.key}`, 'utf8')])
  return head
}

/** The notice in a message, or undefined when the message isn't one. */
export function decodeNotice(message: Buffer): Notice | undefined {
  if (message.length === 1 && message[0] === KIND_CODE.changed) return { token: '', kind: 'changed' }
  if (message.length < 1 + TOKEN_LENGTH) return undefined
  const token = message.toString('latin1', 1, 1 + TOKEN_LENGTH)
  const payload = message.subarray(1 + TOKEN_LENGTH)
  switch (message[0]) {
    case KIND_CODE.value:
      return { token, kind: 'value', bytes: payload }
    case KIND_CODE.filled:
      return { token, kind: 'filled' }
    case KIND_CODE.error:
      return { token, kind: 'error', message: payload.toString('utf8') }
    case KIND_CODE.timeout: {
      const text = payload.toString('utf8')
      const space = text.indexOf(' ')
      const timeoutMs = Number(text.slice(0, space))
      return space > 0 && Number.isFinite(timeoutMs) ? { token, kind: 'timeout', timeoutMs, key: text.slice(space + 1) } : undefined
    }
    default:
      return undefined
  }
}

/** The notice for a fetched value: the bytes themselves when small enough. */
export function valueNotice(token: string, bytes: Buffer): Notice {
  return bytes.length <= MAX_NOTICE_VALUE_BYTES ? { token, kind: 'value', bytes } : { token, kind: 'filled' }
}
