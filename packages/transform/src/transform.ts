import { parseSync, rawTransferSupported, type ParserOptions } from 'oxc-parser'
import { commentText, type RuntimeName } from './core/emit.js'
import type { Diagnostic } from './core/diagnostic.js'
import { lineLocator } from './core/lines.js'
import { NameAllocator } from './core/names.js'
import { planModule, type SiteEdit } from './core/plan.js'
import { mayContainCalls } from './core/site.js'
import type { DefinitionRegistry } from './core/registry.js'
import { collectCallSites } from './oxc/collect.js'
import { cachemeImports } from './oxc/imports.js'
import { TextEdits, type Segment } from './oxc/edits.js'
import { printEmit } from './oxc/print.js'
import type { SourceMap } from './oxc/source-map.js'

export { mayContainCalls }

export interface TransformOptions {
  /** The build's definitions, for conflicts across modules (see `createTransformer()`). */
  registry?: DefinitionRegistry
  /** Generate a source map (default true). */
  sourceMap?: boolean
}

export interface TransformResult {
  code: string
  /** Built when first read (a host that writes no source map doesn't pay for one). */
  map: SourceMap | null
  /** Errors and warnings with file:line:col; with any error, `code` is the input unchanged. */
  diagnostics: Diagnostic[]
}

/**
 * Rewrites the `cached()` calls of one module (JS, TS, JSX or TSX, by `id`'s extension) into
 * module-level stores. Returns null when there is nothing to do.
 */
export function transform(code: string, id: string, options: TransformOptions = {}): TransformResult | null {
  if (typeof code !== 'string') throw new TypeError(`@cacheme/transform: code must be a string, got ${typeof code}`)
  if (typeof id !== 'string' || id === '')
    throw new TypeError(`@cacheme/transform: id must be a non-empty file name, got ${JSON.stringify(id)}`)
  checkOptions(options)
  const parsed = mayContainCalls(code) ? parse(code, id) : undefined
  // The module record comes before the JS syntax tree is read: look there first.
  const imports = parsed && cachemeImports(parsed.module)
  if (!parsed || !imports) {
    options.registry?.forget(id)
    return null
  }
  const { sites, afterImports } = collectCallSites(parsed.program, imports, code)
  const locate = lineLocator(code)
  const names = new NameAllocator(code)
  // Allocated first, from the allocator the stores' names come from: they can't clash.
  const runtime: Record<RuntimeName, string> = {
    __cachemeStore: names.allocate('__cachemeStore'),
    __cachemeParam: names.allocate('__cachemeParam'),
  }
  const plan = planModule(sites, { file: id, code, locate, names, registry: options.registry })
  if (plan.edits.length === 0 && plan.diagnostics.length === 0) return null
  if (plan.edits.length === 0 || plan.diagnostics.some((d) => d.severity === 'error')) {
    return { code, map: null, diagnostics: plan.diagnostics }
  }
  const edits = new TextEdits(code)
  edits.insertAt(afterImports)
  const specifiers = (Object.keys(runtime) as RuntimeName[]).map((name) => (runtime[name] === name ? name : `${name} as ${runtime[name]}`))
  let header = `\nimport { ${specifiers.join(', ')} } from 'cacheme';`
  const withMoves: Segment[][] = []
  for (const store of plan.stores) {
    const segments: Segment[] = [`\n/* ${commentText(store.template)} */\nconst ${store.id} = `, ...printEmit(store.init, runtime), ';']
    if (segments.every((x) => typeof x === 'string')) header += segments.join('')
    else withMoves.push(segments)
  }
  // The stores whose fetcher or options come from the module's source follow the others, after
  // the imports: those source pieces are moved (not copied), so they keep their mappings.
  edits.insert([header])
  for (const segments of withMoves) edits.insert(segments)
  for (const edit of plan.edits) applyEdit(edits, edit)
  const edited = edits.apply(id, options.sourceMap !== false)
  return {
    code: edited.code,
    get map() {
      return edited.map
    },
    diagnostics: plan.diagnostics,
  }
}

const OPTION_TYPES: Record<keyof TransformOptions, string> = { registry: 'object', sourceMap: 'boolean' }

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `@cacheme/transform: options must be an object like { sourceMap: false }, got ${options === null ? 'null' : typeof options}`,
    )
  }
  for (const [key, value] of Object.entries(options)) {
    const type = OPTION_TYPES[key as keyof TransformOptions]
    if (type === undefined) {
      throw new TypeError(`@cacheme/transform: unknown option '${key}'; expected one of ${Object.keys(OPTION_TYPES).join(', ')}`)
    }
    if (value !== undefined && (typeof value !== type || value === null)) {
      throw new TypeError(
        `@cacheme/transform: option '${key}' must be a ${type === 'object' ? 'registry from createTransformer()' : type}, got ${value === null ? 'null' : typeof value}`,
      )
    }
  }
}

/**
 * Raw transfer (Node >= 22 on 64-bit little-endian) hands oxc's syntax tree over as one buffer
 * instead of JSON: several times faster to read. Elsewhere the JSON tree, read lazily.
 */
const RAW_TRANSFER = rawTransferSupported()

type Parsed = ReturnType<typeof parseSync>
/** oxc-parser's JS entry reads this option (src-js/index.js) though its typings don't declare it. */
type RawTransferOptions = ParserOptions & { experimentalRawTransfer?: boolean }

/**
 * The module's syntax, by `id`'s extension; undefined when it doesn't parse (the host reports
 * that). A `.js` file that fails as plain JavaScript is read again as JSX, as vite and esbuild
 * users expect of `.js` files.
 */
function parse(code: string, id: string): Parsed | undefined {
  const lang = langOf(id)
  const once = (as: typeof lang) => {
    const parserOptions: RawTransferOptions = { lang: as, sourceType: 'module', experimentalRawTransfer: RAW_TRANSFER }
    const result = parseSync(id, code, parserOptions)
    return result.errors.length === 0 ? result : undefined
  }
  return once(lang) ?? (lang === 'js' ? once('jsx') : undefined)
}

function langOf(id: string): 'js' | 'jsx' | 'ts' | 'tsx' {
  const path = id.replace(/[?#].*$/, '')
  if (/\.[cm]?tsx$/.test(path)) return 'tsx'
  if (/\.[cm]?ts$/.test(path)) return 'ts'
  if (/\.jsx$/.test(path)) return 'jsx'
  return 'js'
}

/** Edits around the kept arguments only, so every token the user wrote maps back exactly. */
function applyEdit<N>(s: TextEdits, edit: SiteEdit<N>): void {
  const { site } = edit
  if (edit.kind === 'store') {
    const { moved } = edit
    if (moved.length === 0) return void s.replace(site.start, site.end, edit.store)
    s.replace(site.start, moved[0]!.start, edit.store)
    moved.forEach((range, i) => s.remove(range.end, moved[i + 1]?.start ?? site.end))
    return
  }
  s.replace(site.start, edit.fetcher.start, `${edit.store}.with(`)
  const { options } = edit
  if (options.kind === 'none') s.remove(edit.fetcher.end, site.end - 1)
  else if (options.kind === 'some') {
    const all = options.value.properties
    for (const removed of options.removed) {
      const i = all.indexOf(removed)
      if (i < all.length - 1) s.remove(removed.start, all[i + 1]!.start)
      else s.remove(all[i - 1]!.end, removed.end)
    }
  }
}
