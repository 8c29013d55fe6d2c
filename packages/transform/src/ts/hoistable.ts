import type * as ts from 'typescript'
import { bindingOf } from './collect.js'

type TS = typeof ts

/**
 * Whether a function or arrow expression means the same at module level: every variable it
 * reads is declared inside it, at module level, or outside this file; no outer `this`,
 * `arguments`, `new.target` or `super`.
 */
export function isHoistableFunction(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  const K = tsi.SyntaxKind
  let hoistable = true
  const inside = (node: ts.Node) => node.getSourceFile() === sourceFile && node.pos >= fn.pos && node.end <= fn.end
  const visit = (node: ts.Node, ownThis: boolean): void => {
    if (!hoistable || tsi.isTypeNode(node)) return
    if (node.kind === K.SuperKeyword || tsi.isPrivateIdentifier(node) || tsi.isJsxElement(node) || tsi.isJsxSelfClosingElement(node) || tsi.isJsxFragment(node)) hoistable = false
    else if ((node.kind === K.ThisKeyword || tsi.isMetaProperty(node)) && !ownThis) hoistable = false
    else if (tsi.isIdentifier(node) && isValueReference(tsi, node)) {
      if (node.text === 'arguments' && !ownThis) hoistable = false
      const symbol = tsi.isShorthandPropertyAssignment(node.parent) ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node)
      const declaration = symbol?.declarations?.[0]
      if (declaration && !inside(declaration) && bindingOf(tsi, sourceFile, symbol) === 'local') hoistable = false
    }
    const childOwnThis = ownThis || (tsi.isFunctionLike(node) && !tsi.isArrowFunction(node))
    tsi.forEachChild(node, (child) => visit(child, childOwnThis))
  }
  visit(fn, false)
  return hoistable
}

/** An identifier that reads a variable: not a property name, member name or label. */
function isValueReference(tsi: TS, id: ts.Identifier): boolean {
  const parent = id.parent
  if (tsi.isPropertyAccessExpression(parent)) return parent.name !== id
  if (tsi.isPropertyAssignment(parent) || tsi.isMethodDeclaration(parent) || tsi.isPropertyDeclaration(parent) || tsi.isGetAccessor(parent) || tsi.isSetAccessor(parent)) return parent.name !== id
  if (tsi.isBindingElement(parent)) return parent.propertyName !== id
  if (tsi.isLabeledStatement(parent) || tsi.isBreakOrContinueStatement(parent)) return false
  return true
}
