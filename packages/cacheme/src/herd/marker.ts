import { randomBytes } from 'node:crypto'

/**
 * While a fill is in flight, the value key holds a lock marker instead of a value: this prefix
 * plus the holder's token. No codec output starts with these bytes in practice (msgpack's
 * 0x00 is a whole value, JSON text never starts with a NUL).
 */
export const MARKER_PREFIX = Buffer.from('\x00\xffcacheme-lock:', 'latin1')
/** Characters in a holder's token (hex), in markers and notices alike. */
export const TOKEN_LENGTH = 32
const MARKER_LENGTH = MARKER_PREFIX.length + TOKEN_LENGTH

/** A fresh random token (32 hex characters). */
export function newToken(): string {
  return randomBytes(TOKEN_LENGTH / 2).toString('hex')
}

export function markerOf(token: string): Buffer {
  return Buffer.concat([MARKER_PREFIX, Buffer.from(token, 'latin1')])
}

/** Whether stored bytes are a lock marker rather than a value; cheap enough for every hit. */
export function isMarker(bytes: Buffer): boolean {
  return bytes.length === MARKER_LENGTH && bytes[0] === 0x00 && bytes[1] === 0xff
    && bytes.compare(MARKER_PREFIX, 0, MARKER_PREFIX.length, 0, MARKER_PREFIX.length) === 0
}

/** The token of a marker (call only when `isMarker`). */
export function tokenOf(marker: Buffer): string {
  return marker.toString('latin1', MARKER_PREFIX.length)
}
