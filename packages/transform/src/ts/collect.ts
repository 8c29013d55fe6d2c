import type * as ts from 'typescript'
import type { CallSite, Property, TemplateArg, Value } from '../core/site.js'
import { isHoistableFunction } from './hoistable.js'

type TS = typeof ts

/**
 * The `cached()` calls of a source file whose callee the type checker resolves to `cached`
 * imported from 'cacheme' (named, aliased or through a namespace import).
 */
export function collectCallSites(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker): CallSite<ts.Node>[] {
  const sites: CallSite<ts.Node>[] = []
  const visit = (node: ts.Node): void => {
    if (tsi.isCallExpression(node) && isCachemeCached(tsi, checker, node.expression)) sites.push(siteOf(tsi, sourceFile, checker, node))
    tsi.forEachChild(node, visit)
  }
  visit(sourceFile)
  return sites
}

function isCachemeCached(tsi: TS, checker: ts.TypeChecker, callee: ts.Expression): boolean {
  const target = unwrap(tsi, callee)
  if (tsi.isIdentifier(target)) {
    const declaration = aliasDeclaration(checker, target)
    return !!declaration && tsi.isImportSpecifier(declaration) && (declaration.propertyName ?? declaration.name).text === 'cached' && fromCacheme(tsi, declaration)
  }
  const namespace = tsi.isPropertyAccessExpression(target) ? target.expression : tsi.isElementAccessExpression(target) ? target.expression : undefined
  const property = tsi.isPropertyAccessExpression(target) ? target.name.text
    : tsi.isElementAccessExpression(target) && tsi.isStringLiteral(target.argumentExpression) ? target.argumentExpression.text : undefined
  if (!namespace || property !== 'cached' || !tsi.isIdentifier(namespace)) return false
  const declaration = aliasDeclaration(checker, namespace)
  return !!declaration && tsi.isNamespaceImport(declaration) && fromCacheme(tsi, declaration)
}

function aliasDeclaration(checker: ts.TypeChecker, identifier: ts.Identifier): ts.Declaration | undefined {
  return checker.getSymbolAtLocation(identifier)?.declarations?.[0]
}

function fromCacheme(tsi: TS, declaration: ts.Node): boolean {
  let node: ts.Node | undefined = declaration
  while (node && !tsi.isImportDeclaration(node)) node = node.parent
  return !!node && !node.importClause?.isTypeOnly && tsi.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === 'cacheme'
}

function siteOf(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker, call: ts.CallExpression): CallSite<ts.Node> {
  const args = call.arguments
  const leaveAsIs = args.length < 2 || args.length > 3 || args.some(tsi.isSpreadElement) || !!call.questionDotToken
  const site: CallSite<ts.Node> = { node: call, start: call.getStart(sourceFile), end: call.end, template: templateOf(tsi, sourceFile, args[0], call), leaveAsIs }
  if (args[1] && !tsi.isSpreadElement(args[1])) site.fetcher = valueOf(tsi, sourceFile, checker, args[1])
  if (args[2] && !tsi.isSpreadElement(args[2])) site.options = valueOf(tsi, sourceFile, checker, args[2])
  return site
}

function templateOf(tsi: TS, sourceFile: ts.SourceFile, arg: ts.Expression | undefined, call: ts.CallExpression): TemplateArg {
  if (!arg) return { kind: 'dynamic', start: call.getStart(sourceFile), end: call.end }
  const inner = unwrap(tsi, arg)
  if (tsi.isStringLiteral(inner) || tsi.isNoSubstitutionTemplateLiteral(inner)) {
    return { kind: 'literal', text: inner.text, start: inner.getStart(sourceFile), end: inner.end }
  }
  return { kind: 'dynamic', start: arg.getStart(sourceFile), end: arg.end }
}

function valueOf(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker, arg: ts.Expression): Value<ts.Node> {
  const range = { node: arg as ts.Node, start: arg.getStart(sourceFile), end: arg.end }
  const node = unwrap(tsi, arg)
  if (tsi.isStringLiteral(node) || tsi.isNoSubstitutionTemplateLiteral(node)) return { kind: 'literal', value: node.text, ...range }
  if (tsi.isNumericLiteral(node)) return { kind: 'literal', value: Number(node.text), ...range }
  if (tsi.isPrefixUnaryExpression(node) && node.operator === tsi.SyntaxKind.MinusToken && tsi.isNumericLiteral(node.operand)) {
    return { kind: 'literal', value: -Number(node.operand.text), ...range }
  }
  if (node.kind === tsi.SyntaxKind.TrueKeyword || node.kind === tsi.SyntaxKind.FalseKeyword) {
    return { kind: 'literal', value: node.kind === tsi.SyntaxKind.TrueKeyword, ...range }
  }
  if (tsi.isIdentifier(node) && node.text !== 'undefined') {
    return { kind: 'reference', name: node.text, binding: bindingOf(tsi, sourceFile, checker.getSymbolAtLocation(node)), ...range }
  }
  if (tsi.isArrowFunction(node) || tsi.isFunctionExpression(node)) {
    return { kind: 'function', hoistable: isHoistableFunction(tsi, sourceFile, checker, node), ...range }
  }
  if (tsi.isObjectLiteralExpression(node)) {
    const properties: Property<ts.Node>[] = []
    for (const property of node.properties) {
      const start = property.getStart(sourceFile)
      if (tsi.isPropertyAssignment(property) && (tsi.isIdentifier(property.name) || tsi.isStringLiteral(property.name))) {
        properties.push({ key: property.name.text, value: valueOf(tsi, sourceFile, checker, property.initializer), node: property, start, end: property.end })
      } else if (tsi.isShorthandPropertyAssignment(property)) {
        const binding = bindingOf(tsi, sourceFile, checker.getShorthandAssignmentValueSymbol(property))
        const value: Value<ts.Node> = { kind: 'reference', name: property.name.text, binding, node: property.name, start, end: property.end }
        properties.push({ key: property.name.text, value, node: property, start, end: property.end })
      } else {
        return { kind: 'other', ...range }
      }
    }
    return { kind: 'object', properties, ...range }
  }
  return { kind: 'other', ...range }
}

/** Module level: declared at the top of this file (import, function, class, variable); global: elsewhere. */
export function bindingOf(tsi: TS, sourceFile: ts.SourceFile, symbol: ts.Symbol | undefined): 'module' | 'local' | 'global' {
  const declaration = symbol?.declarations?.[0]
  if (!declaration) return 'global'
  if (declaration.getSourceFile() !== sourceFile) return 'global'
  let node: ts.Node = declaration
  if (tsi.isImportSpecifier(node) || tsi.isImportClause(node) || tsi.isNamespaceImport(node)) return 'module'
  if (tsi.isVariableDeclaration(node)) node = node.parent.parent
  return node.parent === sourceFile ? 'module' : 'local'
}

export function unwrap(tsi: TS, node: ts.Expression): ts.Expression {
  let n = node
  while (tsi.isParenthesizedExpression(n) || (tsi.isAsExpression(n) && tsi.isConstTypeReference(n.type))) n = n.expression
  return n
}
