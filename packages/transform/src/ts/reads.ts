import type * as ts from 'typescript'
import type { ContextUse, FunctionReads } from '../core/syntax.js'
import { bindingOf } from './bindings.js'

type TS = typeof ts

/** What a function or arrow expression reads from the code around it, from the type checker's symbols. */
export function functionReads(
  tsi: TS,
  sourceFile: ts.SourceFile,
  checker: ts.TypeChecker,
  fn: ts.ArrowFunction | ts.FunctionExpression,
): FunctionReads {
  const K = tsi.SyntaxKind
  const outer: FunctionReads['outer'] = []
  const context = new Set<ContextUse>()
  const inside = (node: ts.Node) => node.getSourceFile() === sourceFile && node.pos >= fn.pos && node.end <= fn.end
  // `ownThis`: a non-arrow function of `fn`'s own (`fn` included, unless it is an arrow) encloses the node.
  const visit = (node: ts.Node, ownThis: boolean): void => {
    if (tsi.isTypeNode(node)) return
    if (node.kind === K.SuperKeyword) context.add('super')
    else if (tsi.isPrivateIdentifier(node)) context.add('private-name')
    else if (tsi.isJsxElement(node) || tsi.isJsxSelfClosingElement(node) || tsi.isJsxFragment(node)) context.add('jsx')
    else if (node.kind === K.ThisKeyword && !ownThis) context.add('this')
    else if (tsi.isMetaProperty(node) && !ownThis) context.add('new.target')
    else if (tsi.isIdentifier(node) && isValueReference(tsi, node)) {
      const symbol = tsi.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent)
        : checker.getSymbolAtLocation(node)
      const declaration = symbol?.declarations?.[0]
      if (!declaration && node.text === 'arguments') {
        if (!ownThis) context.add('arguments')
      } else if (!declaration || !inside(declaration)) outer.push({ name: node.text, binding: bindingOf(tsi, sourceFile, symbol) })
    }
    const childOwnThis = ownThis || (tsi.isFunctionLike(node) && !tsi.isArrowFunction(node))
    tsi.forEachChild(node, (child) => visit(child, childOwnThis))
  }
  visit(fn, false)
  return { outer, context: [...context] }
}

/** An identifier that reads a variable: not a property name, member name or label. */
function isValueReference(tsi: TS, id: ts.Identifier): boolean {
  const parent = id.parent
  if (tsi.isPropertyAccessExpression(parent)) return parent.name !== id
  if (
    tsi.isPropertyAssignment(parent) ||
    tsi.isMethodDeclaration(parent) ||
    tsi.isPropertyDeclaration(parent) ||
    tsi.isGetAccessor(parent) ||
    tsi.isSetAccessor(parent)
  )
    return parent.name !== id
  if (tsi.isBindingElement(parent)) return parent.propertyName !== id
  if (tsi.isLabeledStatement(parent) || tsi.isBreakOrContinueStatement(parent)) return false
  return true
}
