import type * as ts from 'typescript'
import type { Emit } from '../core/emit.js'

/** Builds emitted code as TypeScript factory nodes; `source` pieces are the module's own nodes. */
export function printEmit(tsi: typeof ts, emit: Emit<ts.Node>, runtime: ts.Identifier, visit: (node: ts.Node) => ts.Node): ts.Expression {
  const f = tsi.factory
  const print = (e: Emit<ts.Node>): ts.Expression => {
    switch (e.kind) {
      case 'string':
        return f.createStringLiteral(e.value, true)
      case 'number':
        return e.value < 0
          ? f.createPrefixUnaryExpression(tsi.SyntaxKind.MinusToken, f.createNumericLiteral(-e.value))
          : f.createNumericLiteral(e.value)
      case 'null':
        return f.createNull()
      case 'identifier':
        return f.createIdentifier(e.name)
      case 'runtime':
        return f.createPropertyAccessExpression(runtime, e.name)
      case 'array':
        return f.createArrayLiteralExpression(e.items.map(print))
      case 'object':
        return f.createObjectLiteralExpression(e.properties.map(([key, value]) => f.createPropertyAssignment(key, print(value))))
      case 'call':
        return f.createCallExpression(print(e.callee), undefined, e.args.map(print))
      case 'arrow':
        return f.createArrowFunction(
          undefined,
          undefined,
          [f.createParameterDeclaration(undefined, undefined, e.param)],
          undefined,
          f.createToken(tsi.SyntaxKind.EqualsGreaterThanToken),
          print(e.body),
        )
      case 'concat':
        return e.parts.map(print).reduce((left, right) => f.createBinaryExpression(left, tsi.SyntaxKind.PlusToken, right))
      case 'source':
        return visit(e.node) as ts.Expression
    }
  }
  return print(emit)
}
