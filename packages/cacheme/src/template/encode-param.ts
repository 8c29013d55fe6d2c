import { describeValue } from '../describe.js'
import { parseTemplate } from './parse-template.js'

/**
 * How a param value appears in a key. The rule that makes keys injective (two different param
 * tuples of one template never give the same key, whatever the template's separators):
 *
 * - A value is written *plain* when it is made of `[A-Za-z0-9_.-]`, is not empty, and does not
 *   contain the first character of the literal that follows its placeholder. Reading a key left
 *   to right, a plain value then ends exactly at the first occurrence of that character, so it
 *   can't swallow part of the next literal (`<<first>>-<<last>>`: 'mary-ann' is not plain there,
 *   'mary' is). A placeholder directly followed by another (`<<a>><<b>>`) has no such character:
 *   its values are never plain.
 * - Anything else is *encoded*: `~` + the length of the base64url text + a tag + the base64url
 *   text itself: `~11~bWFyeS1hbm4` for 'mary-ann'. The length makes it self-delimiting; plain values never start
 *   with `~`. The tag is `~` for UTF-8, `u` for UTF-16LE code units, used for text with lone
 *   surrogates (which UTF-8 would turn into U+FFFD, making '\uD800' and '\uFFFD' collide).
 *
 * Encoded values contain none of `: * ? [ ] { }` or whitespace. A number is written as its
 * decimal text, so `1` and `'1'` are the same param (as in cacheme-go).
 */
const PLAIN = /^[A-Za-z0-9_.-]+$/

/** Whether `text` is written as it is when followed by `next` (the first character of the next literal; '' when another placeholder follows). */
export function isPlainParam(text: string, next = ':'): boolean {
  return next !== '' && PLAIN.test(text) && !text.includes(next)
}

/** One param value as it appears in a key of `template`, followed in the template by `next`. */
export function encodeParam(value: string | number, name: string, template: string, next = ':'): string {
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value)
  else {
    throw new TypeError(`cacheme: param '${name}' of '${template}' must be a string or a finite number, got ${describeValue(value)}`)
  }
  if (isPlainParam(text, next)) return text
  const wellFormed = isWellFormed(text)
  const encoded = Buffer.from(text, wellFormed ? 'utf8' : 'utf16le').toString('base64url')
  return `~${encoded.length}${wellFormed ? '~' : 'u'}${encoded}`
}

/** The version part of a key (`:v${version}` ends every key, so nothing follows it). */
export function encodeVersion(version: string | number, template: string): string {
  return encodeParam(version, 'version', template)
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
  for (let i = 0; i < params.length; i++) {
    out += paramOf(values, params[i]!, template, nextOf(literals, i, params.length)) + literals[i + 1]!
  }
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
  return name === null ? '' : paramOf(values, name, template, followers(template).get(name) ?? ':')
}

/** The character after each placeholder of a template, parsed once per template text. */
const followersByTemplate = new Map<string, Map<string, string>>()

function followers(template: string): Map<string, string> {
  let found = followersByTemplate.get(template)
  if (!found) {
    const { literals, params } = parseTemplate(template)
    found = new Map(params.map((name, i) => [name, nextOf(literals, i, params.length)]))
    followersByTemplate.set(template, found)
  }
  return found
}

/** What follows placeholder `i`: the next literal's first character; ':' (of ':v…') after the last; '' before another placeholder. */
function nextOf(literals: readonly string[], i: number, count: number): string {
  const literal = literals[i + 1]!
  if (literal.length > 0) return literal[0]!
  return i === count - 1 ? ':' : ''
}

/** The encoded value of `values[name]`, once `values` is known to be an object. */
function paramOf(values: object, name: string, template: string, next: string): string {
  const value = (values as Record<string, unknown>)[name]
  if (value === undefined) {
    throw new TypeError(`cacheme: missing param '${name}' for '${template}'; got params ${JSON.stringify(Object.keys(values))}`)
  }
  return encodeParam(value as string | number, name, template, next)
}

function paramsError(params: readonly string[], values: unknown, template: string): TypeError {
  return new TypeError(
    `cacheme: params for '${template}' must be an object with ${params.map((p) => `'${p}'`).join(', ') || 'no properties'}, got ${describeValue(values)}`,
  )
}

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}
