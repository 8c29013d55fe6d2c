/**
 * The secrets of one client (passwords from its URL, options or instance) and the one place
 * that strips them: every message, description and logger detail that could carry a server's
 * words or a connection string passes through `redact`. Errors of ioredis are never handed on as
 * they are (a `ReplyError` of AUTH carries the command's arguments; a URL `TypeError` carries
 * its input): `safeCause` copies only their name, code and redacted message.
 */
export class Secrets {
  readonly #values: string[] = []

  add(secret: unknown): void {
    if (typeof secret !== 'string' || secret.length === 0) return
    this.#values.push(secret)
    // A password also travels percent-encoded (in URLs) and decoded.
    for (const variant of [encodeURIComponent(secret), safeDecode(secret)]) {
      if (variant !== secret && variant.length > 0) this.#values.push(variant)
    }
    this.#values.sort((a, b) => b.length - a.length)
  }

  redact(text: string): string {
    let out = redactUrls(text)
    for (const secret of this.#values) out = out.split(secret).join('***')
    return out
  }

  /** A copy of `error` that is safe to attach as a `cause`: name, code and redacted message only. */
  safeCause(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error)
    const copy = new Error(this.redact(message))
    copy.name = error instanceof Error ? error.name : 'Error'
    const code = (error as { code?: unknown } | null)?.code
    if (typeof code === 'string') Object.defineProperty(copy, 'code', { value: code, enumerable: true })
    copy.stack = `${copy.name}: ${copy.message}`
    return copy
  }
}

/**
 * Every `scheme://user:password@` and `password=...` in a text with the password replaced. The
 * userinfo ends at the *last* `@` of the URL, so a password holding `@` or `/` is hidden whole.
 */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s]*@)/gi, (_, scheme: string, auth: string) => {
      const userinfo = auth.slice(0, -1)
      const colon = userinfo.indexOf(':')
      return `${scheme}${colon === -1 ? '***' : userinfo.slice(0, colon) + ':***'}@`
    })
    .replace(/([?&;\s](?:password|pass|pwd|auth)=)[^&\s#]*/gi, '$1***')
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
