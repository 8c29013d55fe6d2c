import type * as ts from 'typescript'
import type { Binding } from '../core/syntax.js'

type TS = typeof ts

/**
 * Where a symbol's binding lives. Module level: an import, or a declaration whose scope is the
 * file (a top-level statement, or a `var` anywhere outside functions). Local: any other
 * declaration of this file, including the variable of a top-level `for`/`for…of`/`for…in`
 * (`let`/`const`: one per iteration) and of a `catch`. Global: declared outside this file.
 */
export function bindingOf(tsi: TS, sourceFile: ts.SourceFile, symbol: ts.Symbol | undefined): Binding {
  const declaration = symbol?.declarations?.[0]
  if (!declaration || declaration.getSourceFile() !== sourceFile) return 'global'
  if (
    tsi.isImportSpecifier(declaration) ||
    tsi.isImportClause(declaration) ||
    tsi.isNamespaceImport(declaration) ||
    tsi.isImportEqualsDeclaration(declaration)
  )
    return 'module'
  let node: ts.Node = declaration
  while (tsi.isBindingElement(node) || tsi.isObjectBindingPattern(node) || tsi.isArrayBindingPattern(node)) node = node.parent
  if (tsi.isVariableDeclaration(node)) {
    const list = node.parent
    // A catch clause's variable.
    if (!tsi.isVariableDeclarationList(list)) return 'local'
    if ((list.flags & tsi.NodeFlags.BlockScoped) === 0) return varScopeOf(tsi, list) === sourceFile ? 'module' : 'local'
    return tsi.isVariableStatement(list.parent) && list.parent.parent === sourceFile ? 'module' : 'local'
  }
  return node.parent === sourceFile ? 'module' : 'local'
}

/** The function, static block, namespace or file a `var` belongs to. */
function varScopeOf(tsi: TS, node: ts.Node): ts.Node {
  let n = node.parent
  while (!tsi.isSourceFile(n) && !tsi.isFunctionLike(n) && !tsi.isClassStaticBlockDeclaration(n) && !tsi.isModuleBlock(n)) n = n.parent
  return n
}
