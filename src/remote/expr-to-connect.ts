/**
 * Sluice's unresolved expressions -> Spark Connect `Expression` messages (structured messages, never
 * SQL text): columns as UnresolvedAttribute (with the plan id of `df.col(...)`, which Spark resolves
 * exactly as Sluice does), calls as UnresolvedFunction by Spark's name, literals typed, casts with
 * their eval mode. JavaScript UDFs cannot run on Spark and are refused here, by name.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf'
import { SluiceError } from '../errors.ts'
import type { Expr, SortOrderExpr } from '../plan/expr.ts'
import { type DataType, simpleString } from '../schema/data-type.ts'
import {
  type Expression,
  Expression_Cast_EvalMode,
  Expression_SortOrder_NullOrdering,
  Expression_SortOrder_SortDirection,
  ExpressionSchema,
} from './gen/spark/connect/expressions_pb.js'

type ExpressionInit = MessageInitShape<typeof ExpressionSchema>
type LiteralInit = NonNullable<Extract<ExpressionInit['exprType'], { case: 'literal' }>['value']>

/** Sluice's canonical call names whose Spark name differs. */
const SPARK_NAME: Readonly<Record<string, string>> = Object.freeze({ '=': '==' })

/** Quotes a name part in backticks when Spark would split or misread it. */
export function quotePart(part: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? part : `\`${part.replaceAll('`', '``')}\``
}

/** @example toConnectExpr(columnExpr(['a'])) // UnresolvedAttribute 'a' */
export function toConnectExpr(e: Expr): Expression {
  return create(ExpressionSchema, exprInit(e))
}

function fn(name: string, args: readonly Expr[], distinct = false): ExpressionInit {
  return {
    exprType: {
      case: 'unresolvedFunction',
      value: { functionName: SPARK_NAME[name] ?? name, arguments: args.map(exprInit), isDistinct: distinct },
    },
  }
}

/**
 * The parameters of the lambdas being translated, innermost last. In Sluice's plan a lambda body
 * names its parameters as one-part columns (a parameter shadows a column, as in Spark); Spark
 * Connect wants them as UnresolvedNamedLambdaVariable, or its analyzer looks for a column.
 */
const lambdaScopes: (readonly string[])[] = []

const isLambdaParam = (name: string) => lambdaScopes.some((params) => params.includes(name))

function lambdaInit(params: readonly string[], body: Expr): ExpressionInit {
  lambdaScopes.push(params)
  try {
    return {
      exprType: {
        case: 'lambdaFunction',
        value: { function: exprInit(body), arguments: params.map((p) => ({ nameParts: [p] })) },
      },
    }
  } finally {
    lambdaScopes.pop()
  }
}

function exprInit(e: Expr): ExpressionInit {
  switch (e.kind) {
    case 'column':
      if (e.parts.length === 1 && isLambdaParam(e.parts[0]))
        return { exprType: { case: 'unresolvedNamedLambdaVariable', value: { nameParts: [e.parts[0]] } } }
      return {
        exprType: {
          case: 'unresolvedAttribute',
          value: { unparsedIdentifier: e.parts.map(quotePart).join('.'), planId: idOf(e.planId) },
        },
      }
    case 'star':
      return {
        exprType: {
          case: 'unresolvedStar',
          value: {
            unparsedTarget: e.target.length === 0 ? undefined : `${e.target.map(quotePart).join('.')}.*`,
          },
        },
      }
    case 'literal':
      return { exprType: { case: 'literal', value: literalInit(e.value, e.type) } }
    case 'alias':
      return { exprType: { case: 'alias', value: { expr: exprInit(e.child), name: [e.name] } } }
    case 'cast':
      return {
        exprType: {
          case: 'cast',
          value: {
            expr: exprInit(e.child),
            castToType: { case: 'typeStr', value: simpleString(e.to) },
            evalMode: e.mode === 'try' ? Expression_Cast_EvalMode.TRY : Expression_Cast_EvalMode.ANSI,
          },
        },
      }
    case 'sortOrder':
      return { exprType: { case: 'sortOrder', value: sortOrderInit(e) } }
    case 'lambda':
      return lambdaInit(e.params, e.body)
    case 'case':
      return fn('when', [
        ...e.branches.flatMap((b) => [b.when, b.then]),
        ...(e.otherwise ? [e.otherwise] : []),
      ])
    case 'call':
      return callInit(e.name, e.args, e.distinct)
    case 'udf':
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `The JavaScript UDF '${e.name}' cannot run on Spark (Sluice.remote sends plans, not JavaScript). ` +
          'Express it with built-in functions (col, when, expr(...)), or run this query on Sluice.local().',
      )
  }
}

function callInit(name: string, args: readonly Expr[], distinct: boolean): ExpressionInit {
  switch (name) {
    case 'get_field':
    case 'subscript':
      // s.field and a[i] / m[k]: Spark's UnresolvedExtractValue resolves all three.
      return {
        exprType: {
          case: 'unresolvedExtractValue',
          value: { child: exprInit(args[0]), extraction: exprInit(args[1]) },
        },
      }
    case '!=':
    case '<>':
      // Spark registers no `!=` function; its own clients send not(a == b).
      return {
        exprType: { case: 'unresolvedFunction', value: { functionName: 'not', arguments: [fn('==', args)] } },
      }
    case 'between':
      return {
        exprType: {
          case: 'unresolvedFunction',
          value: {
            functionName: 'and',
            arguments: [fn('>=', [args[0], args[1]]), fn('<=', [args[0], args[2]])],
          },
        },
      }
    default:
      return fn(name, args, distinct)
  }
}

export function sortOrderInit(e: SortOrderExpr) {
  return {
    child: exprInit(e.child),
    direction: e.ascending
      ? Expression_SortOrder_SortDirection.ASCENDING
      : Expression_SortOrder_SortDirection.DESCENDING,
    nullOrdering: e.nullsFirst
      ? Expression_SortOrder_NullOrdering.SORT_NULLS_FIRST
      : Expression_SortOrder_NullOrdering.SORT_NULLS_LAST,
  }
}

const idOf = (id: number | undefined) => (id === undefined ? undefined : BigInt(id))

/** A typed literal; values in Sluice's representation (schema/data-type.ts). */
function literalInit(v: unknown, type: DataType): LiteralInit {
  if (v === null || v === undefined) return { literalType: { case: 'null', value: dataTypeInit(type) } }
  switch (type.kind) {
    case 'string':
      return { literalType: { case: 'string', value: v as string } }
    case 'boolean':
      return { literalType: { case: 'boolean', value: v as boolean } }
    case 'byte':
      return { literalType: { case: 'byte', value: v as number } }
    case 'short':
      return { literalType: { case: 'short', value: v as number } }
    case 'int':
      return { literalType: { case: 'integer', value: v as number } }
    case 'long':
      return { literalType: { case: 'long', value: BigInt(v as number) } }
    case 'float':
      return { literalType: { case: 'float', value: v as number } }
    case 'double':
      return { literalType: { case: 'double', value: v as number } }
    case 'decimal':
      return {
        literalType: {
          case: 'decimal',
          value: { value: v as string, precision: type.precision, scale: type.scale },
        },
      }
    case 'timestamp':
      return { literalType: { case: 'timestamp', value: BigInt(v as number) * 1000n } }
    case 'date':
      return { literalType: { case: 'date', value: v as number } }
    case 'binary':
      return { literalType: { case: 'binary', value: v as Uint8Array } }
    case 'interval':
      return { literalType: { case: 'dayTimeInterval', value: BigInt(Math.round((v as number) * 1000)) } }
    case 'array':
      return {
        literalType: {
          case: 'array',
          value: { elements: (v as unknown[]).map((x) => literalInit(x, type.element)) },
        },
        dataType: dataTypeInit(type),
      }
    case 'map': {
      const entries = [...(v as Map<unknown, unknown>)]
      return {
        literalType: {
          case: 'map',
          value: {
            keys: entries.map(([k]) => literalInit(k, type.key)),
            values: entries.map(([, x]) => literalInit(x, type.value)),
          },
        },
        dataType: dataTypeInit(type),
      }
    }
    case 'struct': {
      const row = v as Record<string, unknown>
      return {
        literalType: {
          case: 'struct',
          value: { elements: type.fields.map((f) => literalInit(row[f.name], f.type)) },
        },
        dataType: dataTypeInit(type),
      }
    }
    case 'null':
      return { literalType: { case: 'null', value: dataTypeInit(type) } }
  }
}

/** Spark Connect's DataType message for a Sluice type (used for typed nulls and nested literals). */
function dataTypeInit(type: DataType): any {
  switch (type.kind) {
    case 'string':
      return { kind: { case: 'string', value: {} } }
    case 'boolean':
      return { kind: { case: 'boolean', value: {} } }
    case 'byte':
      return { kind: { case: 'byte', value: {} } }
    case 'short':
      return { kind: { case: 'short', value: {} } }
    case 'int':
      return { kind: { case: 'integer', value: {} } }
    case 'long':
      return { kind: { case: 'long', value: {} } }
    case 'float':
      return { kind: { case: 'float', value: {} } }
    case 'double':
      return { kind: { case: 'double', value: {} } }
    case 'decimal':
      return { kind: { case: 'decimal', value: { precision: type.precision, scale: type.scale } } }
    case 'timestamp':
      return { kind: { case: 'timestamp', value: {} } }
    case 'date':
      return { kind: { case: 'date', value: {} } }
    case 'binary':
      return { kind: { case: 'binary', value: {} } }
    case 'null':
      return { kind: { case: 'null', value: {} } }
    case 'interval':
      return { kind: { case: 'dayTimeInterval', value: { startField: 0, endField: 3 } } }
    case 'array':
      return {
        kind: {
          case: 'array',
          value: { elementType: dataTypeInit(type.element), containsNull: type.containsNull },
        },
      }
    case 'map':
      return {
        kind: {
          case: 'map',
          value: {
            keyType: dataTypeInit(type.key),
            valueType: dataTypeInit(type.value),
            valueContainsNull: type.valueContainsNull,
          },
        },
      }
    case 'struct':
      return {
        kind: {
          case: 'struct',
          value: {
            fields: type.fields.map((f) => ({
              name: f.name,
              dataType: dataTypeInit(f.type),
              nullable: f.nullable,
            })),
          },
        },
      }
  }
}
