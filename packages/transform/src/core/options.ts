import type { Problem } from './diagnostic.js'
import { DurationError, parseTemplate, parseTtl, TemplateError } from 'cacheme/template'
import type { Literal, Property, Value } from './site.js'
import { checkTags } from './tags.js'

/** A finding about an options argument. */
export type OptionProblem = Problem

/** A static field of a store's spec, as written, for conflict messages. */
export interface Known<T> {
  value: T
  /** Source text of the literal, or a phrase when absent (`no ttl`). */
  text: string
}

/**
 * What the compiler can know about `cached()`'s third argument. Spec fields (ttl, name,
 * version) given as literals go into the hoisted spec; other literal options can be hoisted
 * with the store; the rest stays at the call site, evaluated there as written.
 */
export interface OptionFacts<N> {
  ttlMs?: number
  name?: string
  version?: string | number
  /** Each field's value when it is known at build time (a literal, or absent: its default). */
  known: { ttl?: Known<number>; name?: Known<string>; version?: Known<string> }
  /**
   * Options other than spec fields that mean the same at module level: literal singleflight,
   * lock, codec, local, staleWhileRevalidate, staleIfError, fetchTimeout, earlyRefresh, static
   * tags; version, fetchMany and tags functions reading only module-level bindings.
   */
  hoistable: Property<N>[]
  /** Options whose values are only known at run time. */
  dynamic: Property<N>[]
  /** The whole argument stays at the call site (not an object literal we can split). */
  opaque: boolean
  problems: OptionProblem[]
}

const CODECS = new Set(['msgpack', 'json'])

/**
 * `code` is the module's text, for the exact position of a problem inside a literal (a tag's
 * placeholder).
 */
export function analyseOptions<N>(options: Value<N> | undefined, template: string, code = ''): OptionFacts<N> {
  const facts: OptionFacts<N> = { known: {}, hoistable: [], dynamic: [], opaque: false, problems: [] }
  if (options === undefined) return withDefaults(facts, template, { ttl: true, name: true, version: true })
  if (options.kind === 'literal') {
    readTtl(facts, options, template)
    return withDefaults(facts, template, { name: true, version: true })
  }
  if (options.kind !== 'object' || hasDuplicateKeys(options.properties)) {
    facts.opaque = true
    return facts
  }
  const absent = { ttl: true, name: true, version: true }
  for (const property of options.properties) {
    const { key, value } = property
    if (key === 'ttl' || key === 'name' || key === 'version') absent[key] = false
    if (key === 'ttl' && value.kind === 'literal') readTtl(facts, value, template)
    else if (key === 'name' && value.kind === 'literal' && typeof value.value === 'string' && value.value !== '') {
      facts.name = value.value
      facts.known.name = { value: value.value, text: sourceOf(value.value) }
    } else if (key === 'version' && value.kind === 'literal' && isVersion(value.value)) {
      facts.version = value.value
      facts.known.version = { value: String(value.value), text: sourceOf(value.value) }
    } else if (isHoistableOption(key, value, { template, code }, facts.problems)) facts.hoistable.push(property)
    else facts.dynamic.push(property)
  }
  return withDefaults(facts, template, absent)
}

/** The properties of an options object that the call site still passes when spec fields are hoisted. */
export function callSiteProperties<N>(facts: OptionFacts<N>, options: Value<N>): Property<N>[] {
  if (options.kind !== 'object') return []
  return options.properties.filter((p) => facts.hoistable.includes(p) || facts.dynamic.includes(p))
}

function readTtl<N>(facts: OptionFacts<N>, value: Extract<Value<N>, { kind: 'literal' }>, template: string): void {
  const ms = ttlOf(value, `ttl of '${template}'`, facts.problems)
  if (ms === undefined) return
  facts.ttlMs = ms
  facts.known.ttl = { value: ms, text: sourceOf(value.value) }
}

function ttlOf<N>(value: Value<N>, what: string, problems: OptionProblem[]): number | undefined {
  if (value.kind !== 'literal') return undefined
  try {
    return parseTtl(value.value, what)
  } catch (error) {
    if (!(error instanceof DurationError)) throw error
    problems.push({ message: error.message, start: value.start, end: value.end })
    return undefined
  }
}

/** Options whose value is a duration (`Ttl`): a literal is checked like `ttl`. */
const DURATIONS = new Set(['staleWhileRevalidate', 'staleIfError'])

function isHoistableOption<N>(key: string, value: Value<N>, at: { template: string; code: string }, problems: OptionProblem[]): boolean {
  const { template } = at
  const fn = value.kind === 'function' && value.hoistable
  switch (key) {
    case 'version':
    case 'fetchMany':
      return fn
    case 'singleflight':
      return value.kind === 'literal' && typeof value.value === 'boolean'
    case 'codec':
      return value.kind === 'literal' && typeof value.value === 'string' && CODECS.has(value.value)
    case 'lock':
      return value.kind === 'literal'
        ? value.value === false
        : durationFields(value, ['ttl', 'wait'], `lock.%s of '${template}'`, problems, (field, ms) => field !== 'ttl' || ms > 0)
    case 'local':
      return value.kind === 'literal' ? value.value === false : durationFields(value, ['ttl'], `local.%s of '${template}'`, problems)
    case 'fetchTimeout':
      return value.kind === 'literal'
        ? durationOk(value, `fetchTimeout of '${template}'`, problems)
        : durationFields(value, ['soft', 'hard'], `fetchTimeout.%s of '${template}'`, problems)
    case 'earlyRefresh':
      if (value.kind === 'literal') return typeof value.value === 'boolean'
      return (
        value.kind === 'object' &&
        value.properties.length === 1 &&
        value.properties[0]!.key === 'beta' &&
        value.properties[0]!.value.kind === 'literal' &&
        typeof value.properties[0]!.value.value === 'number'
      )
    case 'tags':
      if (fn) return true
      if (value.kind !== 'array' || !value.elements.every((e) => e.kind === 'literal' && typeof e.value === 'string')) return false
      const placeholders = placeholdersOf(template)
      if (placeholders) checkTags(value, template, placeholders, at.code, problems)
      return true
    default:
      return DURATIONS.has(key) && value.kind === 'literal' && durationOk(value, `${key} of '${template}'`, problems)
  }
}

/** A literal duration, checked: a problem when it isn't one. */
function durationOk<N>(value: Value<N>, what: string, problems: OptionProblem[]): boolean {
  return ttlOf(value, what, problems) !== undefined
}

/**
 * An object literal whose properties are all among `fields`, each a literal duration (checked,
 * and `valid(field, ms)` when given): it can go with the store.
 */
function durationFields<N>(
  value: Value<N>,
  fields: string[],
  what: string,
  problems: OptionProblem[],
  valid: (field: string, ms: number) => boolean = () => true,
): boolean {
  if (value.kind !== 'object' || hasDuplicateKeys(value.properties)) return false
  let ok = true
  for (const { key, value: field } of value.properties) {
    if (!fields.includes(key) || field.kind !== 'literal') return false
    const ms = ttlOf(field, what.replace('%s', key), problems)
    if (ms === undefined || !valid(key, ms)) ok = false
  }
  return ok
}

/** The template's placeholders; undefined when it is malformed (that is reported on its own). */
function placeholdersOf(template: string): string[] | undefined {
  try {
    return parseTemplate(template).params
  } catch (error) {
    if (error instanceof TemplateError) return undefined
    throw error
  }
}

function withDefaults<N>(
  facts: OptionFacts<N>,
  template: string,
  absent: { ttl?: boolean; name?: boolean; version?: boolean },
): OptionFacts<N> {
  if (absent.ttl) facts.known.ttl = { value: 0, text: 'none (no expiry)' }
  if (absent.name) facts.known.name = { value: template, text: `'${template}' (the default)` }
  if (absent.version) facts.known.version = { value: '1', text: '1 (the default)' }
  return facts
}

function isVersion(value: Literal): value is string | number {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))
}

function hasDuplicateKeys(properties: readonly { key: string }[]): boolean {
  return new Set(properties.map((p) => p.key)).size !== properties.length
}

function sourceOf(value: Literal): string {
  return typeof value === 'string' ? `'${value}'` : String(value)
}
