import { parseTemplate, TemplateError, type ParsedTemplate } from 'cacheme/template'
import type { Diagnostic, Severity } from './diagnostic.js'
import type { Emit } from './emit.js'
import { sourceOffsetOf } from './literal-offset.js'
import { NameAllocator, storeBaseName } from './names.js'
import { checkParams } from './params.js'
import { analyseOptions, callSiteProperties, type OptionFacts } from './options.js'
import { DefinitionRegistry, describeConflict, type Definition } from './registry.js'
import type { CallSite, Property, Value } from './site.js'

/** A module-level store the compiler hoists: `const id = __cachemeStore(spec, fetcher?, options?)`. */
export interface HoistedStore<N> {
  id: string
  template: string
  init: Emit<N>
}

/** How one call site is rewritten. */
export type SiteEdit<N> =
  /**
   * The whole call becomes a reference to the hoisted store. The one call site whose fetcher and
   * options the store was built from lists those pieces in `moved`, in source order: they now
   * live in the store's definition (a text front end moves them, keeping their source mappings).
   */
  | { kind: 'store'; site: CallSite<N>; store: string; moved: { start: number; end: number }[] }
  /**
   * The call becomes `store.with(fetcher, options)`: fetcher and the listed option properties
   * stay where they are; `removed` properties (hoisted spec fields) are dropped.
   */
  | { kind: 'bind'; site: CallSite<N>; store: string; fetcher: Value<N>; options: BoundOptions<N> }

export type BoundOptions<N> =
  | { kind: 'none' }
  | { kind: 'whole'; value: Value<N> }
  | { kind: 'some'; value: Extract<Value<N>, { kind: 'object' }>; kept: Property<N>[]; removed: Property<N>[] }

export interface ModulePlan<N> {
  stores: HoistedStore<N>[]
  edits: SiteEdit<N>[]
  diagnostics: Diagnostic[]
}

export interface PlanContext {
  file: string
  code: string
  locate(offset: number): { line: number; column: number }
  /** Cross-module definitions of this build; a private one when absent (conflicts within the module only). */
  registry?: DefinitionRegistry
  /** Where store names come from; a front end passes the allocator its own emitted names came from. */
  names?: NameAllocator
}

/** Turns the call sites a front end found into hoisted stores, edits and diagnostics. */
export function planModule<N>(sites: readonly CallSite<N>[], context: PlanContext): ModulePlan<N> {
  const plan: ModulePlan<N> = { stores: [], edits: [], diagnostics: [] }
  const report = (severity: Severity, message: string, start: number, end: number) => {
    const { line, column } = context.locate(start)
    plan.diagnostics.push({ severity, message: oneLine(message), file: context.file, start, length: end - start, line, column })
  }
  const names = context.names ?? new NameAllocator(context.code)
  /** Stores by spec (template, ttl, name, version); `hoistKey` tells fully hoisted ones apart. */
  const variants = new Map<string, PendingStore<N>[]>()
  const pending: PendingStore<N>[] = []
  const definitions: { definition: Definition; site: CallSite<N> }[] = []

  for (const site of sites) {
    const { template } = site
    if (template.kind === 'dynamic') {
      report(
        'warning',
        `cacheme: the template of this cached() call is not a literal, so it is left to the runtime (no build-time checks or precomputed store); write it as a string literal like 'comment:<<id>>'`,
        template.start,
        template.end,
      )
      continue
    }
    const parsed = parseOrReport(template, context.code, report)
    const facts = analyseOptions(site.options, template.text, context.code)
    for (const problem of facts.problems) report('error', problem.message, problem.start, problem.end)
    const misfits = parsed ? (site.params ?? []).flatMap((arg) => checkParams(parsed, arg)) : []
    for (const problem of misfits) report('error', problem.message, problem.start, problem.end)
    if (!parsed || facts.problems.length > 0 || misfits.length > 0) continue
    const { line, column } = context.locate(site.start)
    definitions.push({
      site,
      definition: { template: template.text, ...facts.known, file: context.file, where: `${context.file}:${line}:${column}` },
    })
    if (site.leaveAsIs || !site.fetcher) continue

    const hoistAll = isModuleLevel(site.fetcher) && !facts.opaque && facts.dynamic.length === 0
    const specKey = JSON.stringify([
      template.text,
      facts.ttlMs ?? 0,
      facts.name,
      facts.version === undefined ? undefined : String(facts.version),
    ])
    const same = variants.get(specKey) ?? []
    variants.set(specKey, same)
    const hoistKey = hoistAll ? hoistedKey(site, facts, context.code) : undefined
    // A bound call site only needs the spec, so any store of that spec serves it; a fully hoisted
    // one needs its own fetcher and options, and takes over a fetcher-less store if there is one.
    let store = hoistKey === undefined ? same[0] : (same.find((s) => s.hoistKey === hoistKey) ?? same.find((s) => s.hoistKey === undefined))
    if (!store) {
      store = { id: names.allocate(storeBaseName(template.text)), parsed, facts }
      same.push(store)
      pending.push(store)
    }
    const donor = hoistKey !== undefined && store.hoistKey === undefined
    if (donor) Object.assign(store, { hoistKey, facts, hoisted: site })
    plan.edits.push(
      hoistAll
        ? {
            kind: 'store',
            site,
            store: store.id,
            moved: donor ? [site.fetcher, ...facts.hoistable.map((p) => p.value)].map(({ start, end }) => ({ start, end })) : [],
          }
        : { kind: 'bind', site, store: store.id, fetcher: site.fetcher, options: boundOptions(site.options, facts) },
    )
  }
  plan.stores = pending.map((s) => ({ id: s.id, template: s.parsed.text, init: storeInit(s.parsed, s.facts, s.hoisted) }))

  const registry = context.registry ?? new DefinitionRegistry()
  for (const conflict of registry.replace(
    context.file,
    definitions.map((d) => d.definition),
  )) {
    const { site } = definitions.find((d) => d.definition === conflict.definition)!
    report('error', describeConflict(conflict), site.start, site.end)
  }
  return plan
}

/** A message quotes the user's text, which may span lines: keep every diagnostic on one line. */
function oneLine(message: string): string {
  return message.replace(/\r\n|[\r\n\u2028\u2029]/g, (c) => LINE_BREAKS[c]!)
}

const LINE_BREAKS: Record<string, string> = { '\r\n': '\\r\\n', '\r': '\\r', '\n': '\\n', '\u2028': '\\u2028', '\u2029': '\\u2029' }

interface PendingStore<N> {
  id: string
  parsed: ParsedTemplate
  facts: OptionFacts<N>
  hoistKey?: string
  hoisted?: CallSite<N>
}

function parseOrReport(
  template: Extract<CallSite<unknown>['template'], { kind: 'literal' }>,
  code: string,
  report: (severity: Severity, message: string, start: number, end: number) => void,
): ParsedTemplate | undefined {
  try {
    return parseTemplate(template.text)
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    const raw = code.slice(template.start + 1, template.end - 1)
    const start = sourceOffsetOf(raw, template.start + 1, error.offset)
    const end = sourceOffsetOf(raw, template.start + 1, error.offset + error.length)
    report('error', error.message, start, Math.max(end, start + 1))
    return undefined
  }
}

/** A fetcher that can be hoisted: a binding visible at module level, or a function reading only such bindings. */
function isModuleLevel<N>(fetcher: Value<N>): boolean {
  return (fetcher.kind === 'reference' && fetcher.binding !== 'local') || (fetcher.kind === 'function' && fetcher.hoistable)
}

function hoistedKey<N>(site: CallSite<N>, facts: OptionFacts<N>, code: string): string {
  const fetcher = site.fetcher!
  return [code.slice(fetcher.start, fetcher.end), ...facts.hoistable.map((p) => code.slice(p.start, p.end))].join('\0')
}

function storeInit<N>(parsed: ParsedTemplate, facts: OptionFacts<N>, hoisted: CallSite<N> | undefined): Emit<N> {
  const spec: [string, Emit<N>][] = [
    ['template', { kind: 'string', value: parsed.text }],
    ['params', { kind: 'array', items: parsed.params.map((value) => ({ kind: 'string', value })) }],
    ['render', { kind: 'arrow', param: 'p', body: renderBody(parsed) }],
  ]
  if (facts.ttlMs !== undefined && facts.ttlMs !== 0) spec.push(['ttl', { kind: 'number', value: facts.ttlMs }])
  if (facts.name !== undefined) spec.push(['name', { kind: 'string', value: facts.name }])
  if (typeof facts.version === 'string') spec.push(['version', { kind: 'string', value: facts.version }])
  if (typeof facts.version === 'number') spec.push(['version', { kind: 'number', value: facts.version }])
  const args: Emit<N>[] = [{ kind: 'object', properties: spec }]
  if (hoisted) {
    const fetcher = hoisted.fetcher!
    const source: Emit<N> = { kind: 'source', node: fetcher.node, start: fetcher.start, end: fetcher.end }
    // A binding is read when a fetch runs, not where the store is defined: a `const` below is fine.
    args.push(
      fetcher.kind === 'function'
        ? source
        : { kind: 'arrow', param: 'p', body: { kind: 'call', callee: source, args: [{ kind: 'identifier', name: 'p' }] } },
    )
    if (facts.hoistable.length > 0) {
      args.push({
        kind: 'object',
        properties: facts.hoistable.map((p) => [p.key, { kind: 'source', node: p.value.node, start: p.value.start, end: p.value.end }]),
      })
    }
  }
  return { kind: 'call', callee: { kind: 'runtime', name: '__cachemeStore' }, args }
}

/** `'comment:' + __cachemeParam(p, 'id', 'comment:<<id>>')`: the key text, built without parsing. */
function renderBody<N>(parsed: ParsedTemplate): Emit<N> {
  const param = (name: string | null): Emit<N> => ({
    kind: 'call',
    callee: { kind: 'runtime', name: '__cachemeParam' },
    args: [
      { kind: 'identifier', name: 'p' },
      name === null ? { kind: 'null' } : { kind: 'string', value: name },
      { kind: 'string', value: parsed.text },
    ],
  })
  const parts: Emit<N>[] = []
  parsed.literals.forEach((literal, i) => {
    if (literal !== '') parts.push({ kind: 'string', value: literal })
    if (i < parsed.params.length) parts.push(param(parsed.params[i]!))
  })
  if (parsed.params.length === 0) parts.push(param(null))
  return parts.length === 1 ? parts[0]! : { kind: 'concat', parts }
}

function boundOptions<N>(options: Value<N> | undefined, facts: OptionFacts<N>): BoundOptions<N> {
  if (options === undefined || options.kind === 'literal') return { kind: 'none' }
  if (facts.opaque || options.kind !== 'object') return { kind: 'whole', value: options }
  const kept = callSiteProperties(facts, options)
  if (kept.length === 0) return { kind: 'none' }
  return { kind: 'some', value: options, kept, removed: options.properties.filter((p) => !kept.includes(p)) }
}
