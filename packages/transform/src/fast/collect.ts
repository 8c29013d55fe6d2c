import type { Comment, EcmaScriptModule } from 'oxc-parser'
import type { CallSite } from '../core/site.js'
import type { CachemeImports } from '../oxc/imports.js'
import { ArgumentReader, type Span } from './arguments.js'
import { scanBindings } from './bindings.js'
import { isPropertyName, tokenize, Unsupported, type Token } from './tokens.js'

export type { Span }

export interface FastCollected {
  sites: CallSite<Span>[]
  afterImports: number
}

export interface FastOptions {
  /** TypeScript source: a name may be a type, so fewer token patterns are sure references. */
  typescript?: boolean
  /** Called with the reason when the fast path gives up. */
  onFallback?: (reason: string) => void
}

/**
 * The fast front end: finds the `cached()` call sites from tokens, without oxc's JS syntax tree
 * (building it from JSON is most of the cost of a transform on Node 20). It produces exactly
 * what `collectCallSites` would for the modules it understands, and undefined for anything it
 * can't be sure about; the caller then takes the full path. The module record and comments
 * come from oxc's parse (which also found any syntax error).
 */
export function collectFast(
  code: string,
  parsed: { module: EcmaScriptModule; comments: readonly Comment[] },
  imports: CachemeImports,
  options: FastOptions = {},
): FastCollected | undefined {
  const { onFallback, typescript = false } = options
  try {
    return collect(code, parsed.module, parsed.comments, imports, typescript)
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    onFallback?.(error.message)
    return undefined
  }
}

function collect(code: string, module: EcmaScriptModule, comments: readonly Comment[], { cached, namespaces }: CachemeImports, typescript: boolean): FastCollected {
  const { tokens, comments: found } = tokenize(code)
  // A `/` read the wrong way would show here first: comments would differ from the parser's.
  if (found.length !== comments.length || found.some((c, i) => c.start !== comments[i]!.start || c.end !== comments[i]!.end)) {
    throw new Unsupported('comments differ')
  }
  const statements = module.staticImports
  // Tokens of static imports are read from the module record, not here.
  const inImport = new Uint8Array(tokens.length)
  let k = 0
  for (const statement of statements) {
    while (k < tokens.length && tokens[k]!.start < statement.start) k++
    for (; k < tokens.length && tokens[k]!.start < statement.end; k++) inImport[k] = 1
  }
  const afterImports = leadingImportsEnd(tokens, statements)

  const bindings = scanBindings(tokens, code.length, (i) => inImport[i] === 1)
  for (const statement of statements) for (const entry of statement.entries) bindings.topLevel.add(entry.localName.value)
  for (const name of [...cached, ...namespaces]) if (bindings.possible.has(name)) throw new Unsupported(`${name} is declared again`)

  const reader = new ArgumentReader(tokens, bindings, typescript)
  const sites: CallSite<Span>[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (inImport[i] || t.kind !== 'name' || isPropertyName(tokens, i)) continue
    let open: number
    const after = tokens[i + 1]?.text
    if (cached.has(t.text)) open = i + 1
    else if (!namespaces.has(t.text)) continue
    else if (after === '.' && tokens[i + 2]?.text === 'cached') open = i + 3
    else if (after === '?.' || after === '[') throw new Unsupported('namespace used as ns?.x or ns[x]')
    else continue // ns.other, or the namespace as a value
    const paren = tokens[open]
    const before = tokens[i - 1]
    if (paren?.text !== '(' || before?.text === 'new' || before?.text === '@') throw new Unsupported(`${t.text} not called plainly`)
    const close = tokens[paren.match]!
    if (tokens[paren.match + 1]?.text === '{' && !tokens[paren.match + 1]!.newlineBefore) throw new Unsupported('a method named like cached')
    sites.push(reader.site(t.start, open, close.end))
  }
  return { sites, afterImports }
}

/** Where the module's leading imports end (what collectCallSites calls afterImports); a leading directive isn't handled. */
function leadingImportsEnd(tokens: readonly Token[], imports: EcmaScriptModule['staticImports']): number {
  if (tokens[0]?.kind === 'string') throw new Unsupported('directive')
  let end = 0
  let t = 0
  for (const statement of imports) {
    if (tokens[t]?.start !== statement.start) break
    end = statement.end
    while (t < tokens.length && tokens[t]!.start < end) t++
  }
  return end
}
