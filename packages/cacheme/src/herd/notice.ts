import { TOKEN_LENGTH } from './marker.js'

/**
 * What a lock holder publishes when its fill ends, on the key's channel: which fill (token),
 * and its outcome: the encoded value, "filled" (value too large to publish: GET it), or the
 * fetch's error message.
 */
export type Notice =
  | { token: string; kind: 'value'; bytes: Buffer }
  | { token: string; kind: 'filled' }
  | { token: string; kind: 'error'; message: string }

/** Values up to this size travel in the notice; larger ones are read back with GET. */
export const MAX_NOTICE_VALUE_BYTES = 64 * 1024

const KIND_CODE = { value: 0x76, filled: 0x66, error: 0x65 } as const

export function encodeNotice(notice: Notice): Buffer {
  const head = Buffer.from(String.fromCharCode(KIND_CODE[notice.kind]) + notice.token, 'latin1')
  if (notice.kind === 'value') return Buffer.concat([head, notice.bytes])
  if (notice.kind === 'error') return Buffer.concat([head, Buffer.from(notice.message, 'utf8')])
  return head
}

/** The notice in a message, or undefined when the message isn't one. */
export function decodeNotice(message: Buffer): Notice | undefined {
  if (message.length < 1 + TOKEN_LENGTH) return undefined
  const token = message.toString('latin1', 1, 1 + TOKEN_LENGTH)
  const payload = message.subarray(1 + TOKEN_LENGTH)
  switch (message[0]) {
    case KIND_CODE.value: return { token, kind: 'value', bytes: payload }
    case KIND_CODE.filled: return { token, kind: 'filled' }
    case KIND_CODE.error: return { token, kind: 'error', message: payload.toString('utf8') }
    default: return undefined
  }
}

/** The notice for a fetched value: the bytes themselves when small enough. */
export function valueNotice(token: string, bytes: Buffer): Notice {
  return bytes.length <= MAX_NOTICE_VALUE_BYTES ? { token, kind: 'value', bytes } : { token, kind: 'filled' }
}
