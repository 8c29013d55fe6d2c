import type * as ts from 'typescript'
import { classifyCall } from '../core/classify.js'
import type { CallSite } from '../core/site.js'
import type { CallSyntax } from '../core/syntax.js'
import { tsSyntax } from './syntax.js'

type TS = typeof ts

/**
 * The `cached()` calls of a source file whose callee the type checker resolves to `cached`
 * imported from 'cacheme' (named, aliased or through a namespace import).
 */
export function collectCallSites(tsi: TS, sourceFile: ts.SourceFile, checker: ts.TypeChecker): CallSite<ts.Node>[] {
  const syntax = tsSyntax(tsi, sourceFile, checker)
  const sites: CallSite<ts.Node>[] = []
  const visit = (node: ts.Node): void => {
    if (tsi.isCallExpression(node) && isCachemeCached(tsi, checker, node.expression)) {
      const call: CallSyntax<ts.Node> = {
        node,
        start: node.getStart(sourceFile),
        end: node.end,
        args: [...node.arguments],
        optional: !!node.questionDotToken,
        use: useOf(tsi, node),
      }
      sites.push(classifyCall(call, syntax))
    }
    tsi.forEachChild(node, visit)
  }
  visit(sourceFile)
  return sites
}

/** `cached(...).get(p)`: the method called on the call's result right away. */
function useOf(tsi: TS, call: ts.CallExpression): CallSyntax<ts.Node>['use'] {
  const access = call.parent
  if (!tsi.isPropertyAccessExpression(access) || access.expression !== call || !tsi.isIdentifier(access.name)) return undefined
  const outer = access.parent
  return tsi.isCallExpression(outer) && outer.expression === access ? { method: access.name.text, args: [...outer.arguments] } : undefined
}

function isCachemeCached(tsi: TS, checker: ts.TypeChecker, callee: ts.Expression): boolean {
  let target = callee
  while (tsi.isParenthesizedExpression(target)) target = target.expression
  if (tsi.isIdentifier(target)) {
    const declaration = aliasDeclaration(checker, target)
    return (
      !!declaration &&
      tsi.isImportSpecifier(declaration) &&
      (declaration.propertyName ?? declaration.name).text === 'cached' &&
      fromCacheme(tsi, declaration)
    )
  }
  const namespace = tsi.isPropertyAccessExpression(target)
    ? target.expression
    : tsi.isElementAccessExpression(target)
      ? target.expression
      : undefined
  const property = tsi.isPropertyAccessExpression(target)
    ? target.name.text
    : tsi.isElementAccessExpression(target) && tsi.isStringLiteral(target.argumentExpression)
      ? target.argumentExpression.text
      : undefined
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

/** The expression inside parentheses and `as const`, as the classifier reads it. */
export function unwrap(tsi: TS, node: ts.Expression): ts.Expression {
  let n = node
  while (tsi.isParenthesizedExpression(n) || (tsi.isAsExpression(n) && tsi.isConstTypeReference(n.type))) n = n.expression
  return n
}
