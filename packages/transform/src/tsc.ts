import type * as ts from 'typescript'
import { commentText } from './core/emit.js'
import { NameAllocator } from './core/names.js'
import { planModule, type SiteEdit } from './core/plan.js'
import { DefinitionRegistry } from './core/registry.js'
import { mayContainCalls } from './core/site.js'
import { collectCallSites, unwrap } from './ts/collect.js'
import { printEmit } from './ts/print.js'

/** What ts-patch passes a program transformer (`{ "transform": "@cacheme/transform/tsc" }`). */
export interface TransformerExtras {
  ts: typeof ts
  addDiagnostic(diagnostic: ts.Diagnostic): number | void
}

/** Diagnostic code of cacheme's build errors and warnings (shown as `TS9871`). */
export const DIAGNOSTIC_CODE = 9871

/** The plugin entry's options in tsconfig: `{ "transform": "@cacheme/transform/tsc", "warnings": "stderr" }`. */
export interface TscPluginConfig {
  /**
   * Where warnings (a non-literal template) go. tsc exits with status 2 when any diagnostic is
   * present, warnings included, so by default they are printed to stderr (`file:line:col -
   * warning TS9871: ...`) and the build succeeds; 'diagnostic' reports them through tsc like
   * errors; 'off' drops them. Errors always fail the build through tsc.
   */
  warnings?: 'stderr' | 'diagnostic' | 'off'
}

const WARNING_MODES = ['stderr', 'diagnostic', 'off']

const registries = new WeakMap<ts.Program, DefinitionRegistry>()

/**
 * The ts-patch transformer: rewrites `cached()` calls into module-level stores while tsc emits,
 * reporting malformed templates, TTLs and conflicting definitions as compiler errors.
 */
export default function cachemeTransformer(
  program: ts.Program,
  config: TscPluginConfig | undefined,
  extras: TransformerExtras,
): ts.TransformerFactory<ts.SourceFile> {
  if (!extras || typeof extras.addDiagnostic !== 'function' || !extras.ts) {
    throw new TypeError(
      '@cacheme/transform/tsc: expected to be loaded by ts-patch as a program transformer ({ "transform": "@cacheme/transform/tsc" })',
    )
  }
  const warnings = config?.warnings ?? 'stderr'
  if (!WARNING_MODES.includes(warnings)) {
    throw new TypeError(
      `@cacheme/transform/tsc: "warnings" must be one of ${WARNING_MODES.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(warnings)}`,
    )
  }
  const { ts: tsi, addDiagnostic } = extras
  const checker = program.getTypeChecker()
  // One registry per program, shared by every transformer created for it.
  const registry = registries.get(program) ?? new DefinitionRegistry()
  registries.set(program, registry)

  return (context) => (sourceFile) => {
    const original = tsi.getParseTreeNode(sourceFile, tsi.isSourceFile) ?? sourceFile
    const text = original.text
    if (!mayContainCalls(text)) return sourceFile
    const sites = collectCallSites(tsi, original, checker)
    if (sites.length === 0) return sourceFile
    const locate = (offset: number) => {
      const { line, character } = original.getLineAndCharacterOfPosition(offset)
      return { line: line + 1, column: character + 1 }
    }
    const names = new NameAllocator(text)
    // The namespace's name comes first, from the allocator the stores' names come from: they can't clash.
    const runtimeName = names.allocate('__cacheme')
    const plan = planModule(sites, { file: original.fileName, code: text, locate, names, registry })
    for (const d of plan.diagnostics) {
      if (d.severity === 'warning' && warnings !== 'diagnostic') {
        if (warnings === 'stderr') process.stderr.write(`${d.file}:${d.line}:${d.column} - warning TS${DIAGNOSTIC_CODE}: ${d.message}\n`)
        continue
      }
      addDiagnostic({
        file: original,
        start: d.start,
        length: d.length,
        messageText: d.message,
        category: d.severity === 'error' ? tsi.DiagnosticCategory.Error : tsi.DiagnosticCategory.Warning,
        code: DIAGNOSTIC_CODE,
        source: 'cacheme',
      })
    }
    if (plan.edits.length === 0 || plan.diagnostics.some((d) => d.severity === 'error')) return sourceFile

    const f = tsi.factory
    const runtime = f.createIdentifier(runtimeName)
    const edits = new Map<ts.Node, SiteEdit<ts.Node>>(plan.edits.map((e) => [e.site.node, e]))
    const visit = (node: ts.Node): ts.Node => {
      const edit = edits.get(node)
      return edit ? rewrite(edit) : tsi.visitEachChild(node, visit, context)
    }
    const rewrite = (edit: SiteEdit<ts.Node>): ts.Expression => {
      if (edit.kind === 'store') return f.createIdentifier(edit.store)
      const args = [visit(edit.fetcher.node) as ts.Expression]
      const { options } = edit
      if (options.kind === 'whole') args.push(visit(options.value.node) as ts.Expression)
      if (options.kind === 'some') {
        const literal = unwrap(tsi, options.value.node as ts.Expression) as ts.ObjectLiteralExpression
        args.push(
          f.updateObjectLiteralExpression(
            literal,
            options.kept.map((p) => visit(p.node) as ts.ObjectLiteralElementLike),
          ),
        )
      }
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(edit.store), 'with'), undefined, args)
    }

    const hoisted: ts.Statement[] = [
      f.createImportDeclaration(
        undefined,
        f.createImportClause(false, undefined, f.createNamespaceImport(runtime)),
        f.createStringLiteral('cacheme', true),
      ),
    ]
    for (const store of plan.stores) {
      const declaration = f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [f.createVariableDeclaration(store.id, undefined, undefined, printEmit(tsi, store.init, runtime, visit))],
          tsi.NodeFlags.Const,
        ),
      )
      hoisted.push(
        tsi.addSyntheticLeadingComment(declaration, tsi.SyntaxKind.MultiLineCommentTrivia, ` ${commentText(store.template)} `, true),
      )
    }
    const statements = sourceFile.statements.map((s) => visit(s) as ts.Statement)
    // After the leading imports and directives: before any code that could use the stores.
    let at = 0
    while (at < statements.length && isLeading(tsi, statements[at]!)) at++
    return f.updateSourceFile(sourceFile, [...statements.slice(0, at), ...hoisted, ...statements.slice(at)])
  }
}

function isLeading(tsi: typeof ts, statement: ts.Statement): boolean {
  return tsi.isImportDeclaration(statement) || (tsi.isExpressionStatement(statement) && tsi.isStringLiteral(statement.expression))
}
