import type * as ts from 'typescript'
import type { Member, Shape, Syntax } from '../core/syntax.js'
import { bindingOf } from './bindings.js'
import { functionReads } from './reads.js'

type TS = typeof ts

/** TypeScript's syntax tree as the classifier sees it, with bindings from the type checker. */
export function tsSyntax(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker): Syntax<ts.Node> {
  const K = tsi.SyntaxKind
  const member = (property: ts.ObjectLiteralElementLike): Member<ts.Node> | null => {
    const range = { node: property as ts.Node, start: property.getStart(sourceFile), end: property.end }
    if (tsi.isPropertyAssignment(property) && (tsi.isIdentifier(property.name) || tsi.isStringLiteral(property.name)))
      return { key: property.name.text, value: property.initializer, ...range }
    if (tsi.isShorthandPropertyAssignment(property) && !property.objectAssignmentInitializer)
      return { key: property.name.text, value: property.name, ...range }
    return null
  }
  const shape = (node: ts.Node): Shape<ts.Node> => {
    if (tsi.isParenthesizedExpression(node)) return { type: 'wrapped', inner: node.expression }
    if (tsi.isAsExpression(node))
      return tsi.isConstTypeReference(node.type) ? { type: 'wrapped', inner: node.expression } : { type: 'other' }
    if (tsi.isStringLiteral(node)) return { type: 'string', value: node.text, template: false }
    if (tsi.isNoSubstitutionTemplateLiteral(node)) return { type: 'string', value: node.text, template: true }
    if (tsi.isNumericLiteral(node)) return { type: 'number', value: Number(node.text) }
    if (node.kind === K.TrueKeyword || node.kind === K.FalseKeyword) return { type: 'boolean', value: node.kind === K.TrueKeyword }
    if (tsi.isPrefixUnaryExpression(node))
      return node.operator === K.MinusToken ? { type: 'negative', operand: node.operand } : { type: 'other' }
    if (tsi.isIdentifier(node)) {
      // A shorthand property's name is also its value: the checker resolves it through the property.
      const symbol =
        tsi.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
          ? checker.getShorthandAssignmentValueSymbol(node.parent)
          : checker.getSymbolAtLocation(node)
      return { type: 'identifier', name: node.text, binding: bindingOf(tsi, sourceFile, symbol) }
    }
    if (tsi.isArrowFunction(node) || tsi.isFunctionExpression(node))
      return { type: 'function', reads: functionReads(tsi, sourceFile, checker, node) }
    if (tsi.isObjectLiteralExpression(node)) return { type: 'object', members: node.properties.map(member) }
    if (tsi.isArrayLiteralExpression(node))
      return { type: 'array', elements: node.elements.map((e) => (tsi.isSpreadElement(e) || tsi.isOmittedExpression(e) ? null : e)) }
    if (tsi.isSpreadElement(node)) return { type: 'spread' }
    return { type: 'other' }
  }
  return { shape, range: (node) => ({ start: node.getStart(sourceFile), end: node.end }) }
}
