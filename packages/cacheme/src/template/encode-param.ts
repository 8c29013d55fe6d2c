import { describeValue, parseTemplate } from './parse-template.js'

const PLAIN = /^[A-Za-z0-9_.-]+$/

export function isPlainParam(text: string): boolean {
  return PLAIN.test(text)
}

/**
 * A param value as it appears in a key. Plain ids appear unchanged; anything else becomes
 * '~' + base64url(UTF-8), which contains none of `: * ? [ ] { }` or whitespace, and can't
 * collide with a plain value because plain values never contain '~'.
 */
export function encodeParam(value: string | number, name: string, template: string): string {
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value)
  else {
    throw new TypeError(
      `cacheme: param '${name}' of '${template}' must be a string or a finite number, got ${describeValue(value)}`,
    )
  }
  return PLAIN.test(text) ? text : '~' + Buffer.from(text, 'utf8').toString('base64url')
}

/** Renders literals and params into the key text, without prefix and version. */
export function renderKeyPart(
  literals: readonly string[],
  params: readonly string[],
  values: Record<string, unknown> | undefined | null,
  template: string,
): string {
  if (values === null || typeof values !== 'object') {
    if (params.length === 0 && values === undefined) return literals[0]!
    throw paramsError(params, values, template)
  }
  let out = literals[0]!
  for (let i = 0; i < params.length; i++) out += paramOf(values, params[i]!, template) + literals[i + 1]!
  return out
}

/**
 * One param of a compiled key builder (the compiler's `__cachemeParam`): the encoded value of
 * `values[name]`, with the same errors as `renderKeyPart`. `name` null checks `values` only and
 * returns '' (templates without placeholders).
 */
export function keyParam(values: unknown, name: string | null, template: string): string {
  if (values === null || typeof values !== 'object') {
    if (name === null && values === undefined) return ''
    throw paramsError(parseTemplate(template).params, values, template)
  }
  return name === null ? '' : paramOf(values, name, template)
}

/** The encoded value of `values[name]`, once `values` is known to be an object. */
function paramOf(values: object, name: string, template: string): string {
  const value = (values as Record<string, unknown>)[name]
  if (value === undefined) {
    throw new TypeError(`cacheme: missing param '${name}' for '${template}'; got params ${JSON.stringify(Object.keys(values))}`)
  }
  return encodeParam(value as string | number, name, template)
}

function paramsError(params: readonly string[], values: unknown, template: string): TypeError {
  return new TypeError(
    `cacheme: params for '${template}' must be an object with ${params.map((p) => `'${p}'`).join(', ') || 'no properties'}, got ${describeValue(values)}`,
  )
}
