/**
 * Emits JavaScript for bound expressions into a CodeBuilder. Each call returns a JS expression
 * (usually a local variable) holding the value. SQL null semantics are emitted only where a value
 * can be null, so non-nullable columns compile to plain JS arithmetic.
 *
 * NOTE: 'and', 'or', 'coalesce' and CASE evaluate their later operands lazily (Spark does the same),
 * so `b <> 0 AND a / b > 1` never divides by zero.
 */

import { SluiceError } from '../../errors.ts'
import type { BoundCall, BoundCase, BoundExpr, BoundLambda, BoundUdf } from '../../functions/bound-expr.ts'
import { toDecimalValue } from '../../schema/decimal-value.ts'
import { type CodeBuilder, jsLiteral } from './code-builder.ts'

/** How generated code reads column `ordinal` of the current input row. */
export type RowAccess = (ordinal: number) => string

export function genExpr(e: BoundExpr, b: CodeBuilder, row: RowAccess): string {
  switch (e.kind) {
    case 'ref':
      return row(e.ordinal)
    case 'literal':
      return jsLiteral(e.value) ?? b.constant(e.value)
    case 'field': {
      const child = genExpr(e.child, b, row)
      const key = JSON.stringify(e.name)
      if (!e.child.nullable) return `${child}[${key}]`
      const v = b.fresh()
      b.emit(`const ${v} = ${child} === null ? null : ${child}[${key}]`)
      return v
    }
    case 'case':
      return genCase(e, b, row)
    case 'udf':
      return genUdf(e, b, row)
    case 'lambdaVar':
      return lambdaVarName(e.name)
    case 'lambda':
      return genLambda(e, b, row)
    case 'call':
      switch (e.name) {
        case 'and':
        case 'or':
          return genLogic(e, b, row)
        case 'coalesce':
          return genCoalesce(e, b, row)
        default:
          return genCall(e, b, row)
      }
  }
}

function genCall(e: BoundCall, b: CodeBuilder, row: RowAccess): string {
  const impl = e.impl
  const nullSafe = impl.kind !== 'op' && impl.nullSafe === true
  const v = b.fresh()
  if (nullSafe || e.args.every((a) => !a.nullable)) {
    const args = e.args.map((a) => materialize(genExpr(a, b, row), b))
    b.emit(`const ${v} = ${callCode(e, args, b)}`)
    return v
  }
  // NOTE: as in Spark, once an argument is NULL the later ones are not evaluated, so
  // `NULL + (1 / 0)` is NULL rather than a division-by-zero error.
  b.emit(`let ${v} = null`)
  const args: string[] = []
  const step = (i: number): void => {
    if (i === e.args.length) {
      b.emit(`${v} = ${callCode(e, args, b)}`)
      return
    }
    const a = materialize(genExpr(e.args[i], b, row), b)
    args.push(a)
    if (e.args[i].nullable) b.block(`if (${a} !== null)`, () => step(i + 1))
    else step(i + 1)
  }
  step(0)
  return v
}

function callCode(e: BoundCall, args: readonly string[], b: CodeBuilder): string {
  const impl = e.impl
  switch (impl.kind) {
    case 'op':
      // The space keeps `- -1` from becoming the decrement operator.
      return args.length === 1 ? `(${impl.op} ${args[0]})` : `(${args[0]} ${impl.op} ${args[1]})`
    case 'template':
      return `(${impl.code(args)})`
    case 'fn': {
      const all = impl.withSite ? [...args, b.constant(e.sql)] : args
      return `${b.constant(impl.fn)}(${all.join(', ')})`
    }
  }
}

const SIMPLE_CODE = /^(?:[A-Za-z_$][\w$]*|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|"(?:[^"\\]|\\.)*")$/

/** Reads a compound expression into a variable once, so templates can repeat an argument. */
function materialize(code: string, b: CodeBuilder): string {
  if (SIMPLE_CODE.test(code)) return code
  const v = b.fresh()
  b.emit(`const ${v} = ${code}`)
  return v
}

function genLogic(e: BoundCall, b: CodeBuilder, row: RowAccess): string {
  const isAnd = e.name === 'and'
  const stop = isAnd ? 'false' : 'true'
  const v = b.fresh()
  const left = genExpr(e.args[0], b, row)
  b.emit(`let ${v} = ${left}`)
  b.block(`if (${v} !== ${stop})`, () => {
    const right = genExpr(e.args[1], b, row)
    // SQL three-valued logic: a decided operand wins, otherwise null taints the result.
    b.emit(
      `${v} = ${right} === ${stop} ? ${stop} : (${v} === null || ${right} === null ? null : ${isAnd ? 'true' : 'false'})`,
    )
  })
  return v
}

function genCoalesce(e: BoundCall, b: CodeBuilder, row: RowAccess): string {
  const v = b.fresh()
  b.emit(`let ${v} = null`)
  const step = (i: number): void => {
    if (i >= e.args.length) return
    const value = genExpr(e.args[i], b, row)
    b.emit(`${v} = ${value}`)
    if (i + 1 < e.args.length && e.args[i].nullable) b.block(`if (${v} === null)`, () => step(i + 1))
  }
  step(0)
  return v
}

function genCase(e: BoundCase, b: CodeBuilder, row: RowAccess): string {
  const v = b.fresh()
  b.emit(`let ${v} = null`)
  const branch = (i: number): void => {
    if (i === e.branches.length) {
      if (e.otherwise !== null) b.emit(`${v} = ${genExpr(e.otherwise, b, row)}`)
      return
    }
    const cond = genExpr(e.branches[i].when, b, row)
    b.block(`if (${cond} === true)`, () => b.emit(`${v} = ${genExpr(e.branches[i].then, b, row)}`), '}')
    b.block('else', () => branch(i + 1))
  }
  branch(0)
  return v
}

/**
 * A lambda becomes a closure over the current row. NOTE: parameters are JS parameters named after
 * the SQL names, so an inner lambda's `x` shadows an outer `x` exactly as Spark's scoping does.
 */
function genLambda(e: BoundLambda, b: CodeBuilder, row: RowAccess): string {
  const f = b.fresh('fn')
  b.block(`const ${f} = (${e.params.map((p) => lambdaVarName(p.name)).join(', ')}) =>`, () => {
    b.emit(`return ${genExpr(e.body, b, row)}`)
  })
  return f
}

/** A JS identifier for a lambda parameter, injective over SQL names and apart from `v<n>`/`k<n>`. */
function lambdaVarName(name: string): string {
  return `L_${[...name].map((ch) => (/[A-Za-z0-9]/.test(ch) ? ch : `$${ch.codePointAt(0)}$`)).join('')}`
}

function genUdf(e: BoundUdf, b: CodeBuilder, row: RowAccess): string {
  const args = e.args.map((a) => materialize(genExpr(a, b, row), b))
  const v = b.fresh()
  const fn = b.constant(e.fn)
  const fail = b.constant(udfFailed(e.name))
  b.emit(`let ${v}`)
  b.emit(`try { ${v} = ${fn}(${args.join(', ')}) ?? null } catch (err) { throw ${fail}(err) }`)
  // A float column holds 32-bit values only: a UDF's float result is rounded as every write is.
  if (e.type.kind === 'float') b.emit(`if (typeof ${v} === 'number') ${v} = Math.fround(${v})`)
  // A decimal column holds canonical text at its scale: a UDF may return a string, number or bigint.
  if (e.type.kind === 'decimal') {
    const canon = b.constant(decimalResult(e.name, e.type.precision, e.type.scale))
    b.emit(`if (${v} !== null) ${v} = ${canon}(${v})`)
  }
  return v
}

function decimalResult(name: string, precision: number, scale: number): (v: unknown) => string {
  return (v) => {
    const text = toDecimalValue(v, precision, scale)
    if (text !== undefined) return text
    throw new SluiceError(
      'UDF_FAILED',
      `User-defined function \`${name}\` returned ${String(v)}, which is not a decimal(${precision},${scale}) (a decimal string, number or bigint with at most ${precision - scale} digits before the point).`,
    )
  }
}

function udfFailed(name: string): (err: unknown) => SluiceError {
  return (err) =>
    new SluiceError(
      'UDF_FAILED',
      `User-defined function \`${name}\` threw: ${(err as Error)?.message ?? err}`,
      {
        cause: err,
      },
    )
}
