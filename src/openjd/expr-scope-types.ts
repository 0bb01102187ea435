import { ExprTypeError, inferType, type SymbolTypes } from './expr-infer.js';
import { ExprSyntaxError, parseExpression } from './expr-parse.js';
import { symbolTypes, type TypeScope } from './expr-symbol-types.js';
import { ANY, type ExprType } from './expr-types.js';
import { parseBinding } from './schema/let.js';

/**
 * The static types of what an expression at `ctx` (a place's ReferenceContext) references: the parameters' declared types,
 * the script's task parameters', and each `let` binding in scope typed by its own expression
 * (RFC 0005: a binding's type is the natural result type of its expression), in order, each
 * seeing those before it. A binding that cannot be typed is `any`: its own check reports why.
 */
export function scopeTypes(
  params: TypeScope['params'],
  ctx: { lets?: readonly string[]; taskParamTypes?: TypeScope['taskParams'] },
): SymbolTypes {
  const bound = new Map<string, ExprType>();
  const types = () => symbolTypes({ params, taskParams: ctx.taskParamTypes, bound });
  for (const text of ctx.lets ?? []) {
    const b = parseBinding(text);
    if ('error' in b) continue;
    bound.set(b.name, bindingType(b.expr, types()));
  }
  return types();
}

function bindingType(src: string, types: SymbolTypes): ExprType {
  try {
    return inferType(parseExpression(src), types);
  } catch (e) {
    if (e instanceof ExprTypeError || e instanceof ExprSyntaxError) return ANY;
    throw e;
  }
}
