/**
 * Prints expressions the way Spark names an unaliased column (`toPrettySQL`): `(a + 1)`,
 * `count(1)`, `CAST(a AS BIGINT)`, `name LIKE x%`, with literals bare (`x`, not `'x'`).
 */
import { type DataType, simpleString } from '../../schema/data-type.ts'
import { type CallExpr, type Expr, mapChildren } from '../expr.ts'
import { formatIntervalSql } from './interval.ts'

// Two-argument operators Spark prints as `(left op right)`.
const INFIX: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  div: 'div',
  '=': '=',
  '<=>': '<=>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '&': '&',
  '|': '|',
  '^': '^',
  '<<': '<<',
  '>>': '>>',
  '>>>': '>>>',
  and: 'AND',
  or: 'OR',
}

// Printers for calls with their own SQL form, keyed by name and arity.
const SPECIAL: Record<string, (a: string[], e: CallExpr) => string | undefined> = {
  '!=': (a) => (a.length === 2 ? `(NOT (${a[0]} = ${a[1]}))` : undefined),
  not: (a) => (a.length === 1 ? `(NOT ${a[0]})` : undefined),
  negative: (a) => (a.length === 1 ? `(- ${a[0]})` : undefined),
  positive: (a) => (a.length === 1 ? `(+ ${a[0]})` : undefined),
  '~': (a) => (a.length === 1 ? `~${a[0]}` : undefined),
  // Spark gives aggregate() without a finish lambda an identity one, and names it.
  aggregate: (a) =>
    a.length === 3 ? `aggregate(${a.join(', ')}, ${lambdaSql('namedlambdavariable()', 1)})` : undefined,
  isnull: (a) => (a.length === 1 ? `(${a[0]} IS NULL)` : undefined),
  isnotnull: (a) => (a.length === 1 ? `(${a[0]} IS NOT NULL)` : undefined),
  in: (a) => (a.length >= 1 ? `(${a[0]} IN (${a.slice(1).join(', ')}))` : undefined),
  rlike: (a) => (a.length === 2 ? `RLIKE(${a[0]}, ${a[1]})` : undefined),
  subscript: (a) => (a.length === 2 ? `${a[0]}[${a[1]}]` : undefined),
  like: likeSql,
  get_field: (a, e) => {
    const name = stringArg(e, 1)
    return a.length === 2 && name !== undefined ? `${a[0]}.${name}` : undefined
  },
  extract: (a, e) => {
    const field = stringArg(e, 0)
    return a.length === 2 && field !== undefined ? `extract(${field} FROM ${a[1]})` : undefined
  },
}

const isIntervalLiteral = (e: Expr | undefined): boolean =>
  e?.kind === 'literal' && e.type.kind === 'interval'

/**
 * `ts + INTERVAL ...` is Spark's TimeAdd, printed without parentheses and with the timestamp first
 * (`INTERVAL '1' DAY + ts` is named `ts + INTERVAL '1' DAY`); interval + interval stays arithmetic.
 */
function timeShiftSql(e: CallExpr, a: string[]): string | undefined {
  if (a.length !== 2 || (e.name !== '+' && e.name !== '-')) return undefined
  const [l, r] = [isIntervalLiteral(e.args[0]), isIntervalLiteral(e.args[1])]
  if (r && !l) return `${a[0]} ${e.name} ${a[1]}`
  if (l && !r && e.name === '+') return `${a[1]} + ${a[0]}`
  return undefined
}

function stringArg(e: CallExpr, i: number): string | undefined {
  const arg = e.args[i]
  return arg?.kind === 'literal' && typeof arg.value === 'string' ? arg.value : undefined
}

/** `x LIKE p`, plus `ESCAPE 'c'` unless the escape is Spark's default backslash. */
function likeSql(a: string[], e: CallExpr): string | undefined {
  if (a.length === 2) return `${a[0]} LIKE ${a[1]}`
  const esc = stringArg(e, 2)
  if (a.length !== 3 || esc === undefined) return undefined
  return esc === '\\' ? `${a[0]} LIKE ${a[1]}` : `${a[0]} LIKE ${a[1]} ESCAPE '${esc}'`
}

const LAMBDA_VAR = Object.freeze({
  kind: 'call',
  name: 'namedlambdavariable',
  args: [],
  distinct: false,
}) as Expr

/** Spark names a lambda `lambdafunction(body, namedlambdavariable(), ...)`, hiding its parameter names. */
function lambdaSql(body: string, params: number): string {
  return `lambdafunction(${[body, ...Array.from({ length: params }, () => 'namedlambdavariable()')].join(', ')})`
}

function hideLambdaVars(e: Expr, params: readonly string[]): Expr {
  const names = new Set(params.map((p) => p.toLowerCase()))
  const hide = (x: Expr): Expr =>
    x.kind === 'column' && x.parts.length === 1 && names.has(x.parts[0].toLowerCase())
      ? LAMBDA_VAR
      : mapChildren(x, hide)
  return hide(e)
}

/**
 * Spark's pretty SQL for an expression, as used for auto-generated column names.
 *
 * @example
 * exprToSql(callExpr('+', [columnExpr(['a']), literalExpr(1, t.int())])) // '(a + 1)'
 * exprToSql(castExpr(columnExpr(['a']), t.long())) // 'CAST(a AS BIGINT)'
 */
export function exprToSql(e: Expr): string {
  // Memoized per (frozen) node: analysis names every sub-expression, and a 1,000-term sum would
  // otherwise rebuild each sub-tree's text at every level (cubic in the depth).
  let sql = SQL_OF.get(e)
  if (sql === undefined) {
    sql = computeSql(e)
    SQL_OF.set(e, sql)
  }
  return sql
}

const SQL_OF = new WeakMap<Expr, string>()

function computeSql(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.parts.join('.')
    case 'star':
      return e.target.length === 0 ? '*' : `${e.target.join('.')}.*`
    case 'literal':
      return literalSql(e.value, e.type, true)
    case 'alias':
      return `${exprToSql(e.child)} AS ${quoteIfNeeded(e.name)}`
    case 'call': {
      const args = e.args.map(exprToSql)
      const timeShift = timeShiftSql(e, args)
      if (timeShift) return timeShift
      const infix = INFIX[e.name]
      if (infix && args.length === 2) return `(${args[0]} ${infix} ${args[1]})`
      const special = SPECIAL[e.name]?.(args, e)
      return special ?? `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${args.join(', ')})`
    }
    case 'case': {
      const branches = e.branches.map((b) => ` WHEN ${exprToSql(b.when)} THEN ${exprToSql(b.then)}`).join('')
      return `CASE${branches}${e.otherwise ? ` ELSE ${exprToSql(e.otherwise)}` : ''} END`
    }
    case 'cast':
      return `${e.mode === 'try' ? 'TRY_CAST' : 'CAST'}(${exprToSql(e.child)} AS ${typeSql(e.to)})`
    case 'udf':
      return `${e.name}(${e.args.map(exprToSql).join(', ')})`
    case 'lambda':
      return lambdaSql(exprToSql(hideLambdaVars(e.body, e.params)), e.params.length)
    case 'sortOrder':
      return `${exprToSql(e.child)} ${e.ascending ? 'ASC' : 'DESC'} NULLS ${e.nullsFirst ? 'FIRST' : 'LAST'}`
  }
}

/**
 * The name Spark gives an unaliased output column: an alias's name, a column's last name part
 * (`col('s.x')` is `x`), a cast column keeps the column's name (`CAST(a AS INT)` is `a`), anything
 * else its pretty SQL. Spark names a cast of a struct field `CAST(s.x AS ...)`; unresolved, `s.x`
 * looks like a qualified column, so it is named `x` here.
 *
 * @example
 * autoName(columnExpr(['s', 'x'])) // 'x'
 * autoName(callExpr('upper', [columnExpr(['name'])])) // 'upper(name)'
 */
export function autoName(e: Expr): string {
  if (e.kind === 'alias') return e.name
  if (e.kind === 'column') return e.parts[e.parts.length - 1]
  if (e.kind === 'cast' && (e.child.kind === 'column' || e.child.kind === 'alias')) return autoName(e.child)
  return exprToSql(e)
}

/** Spark's `quoteIfNeeded`: bare when only letters, digits and `_` (and not all digits). */
export function quoteIfNeeded(name: string): string {
  return /^[a-zA-Z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``
}

/**
 * A type's SQL name as Spark prints it in CAST: `BIGINT`, `ARRAY<INT>`, `STRUCT<a: INT NOT NULL>`.
 *
 * @example
 * typeSql(t.map(t.string(), t.long())) // 'MAP<STRING, BIGINT>'
 */
export function typeSql(type: DataType): string {
  switch (type.kind) {
    case 'array':
      return `ARRAY<${typeSql(type.element)}>`
    case 'map':
      return `MAP<${typeSql(type.key)}, ${typeSql(type.value)}>`
    case 'struct': {
      const fields = type.fields.map(
        (f) => `${quoteIfNeeded(f.name)}: ${typeSql(f.type)}${f.nullable ? '' : ' NOT NULL'}`,
      )
      return `STRUCT<${fields.join(', ')}>`
    }
    default:
      return simpleString(type).toUpperCase()
  }
}

/**
 * A literal's SQL text: `pretty` is Spark's column-name form (strings and numbers bare), otherwise
 * Spark's `Literal.sql` (strings quoted, `1L`, `1.5D`), which nested collection literals use.
 */
function literalSql(value: unknown, type: DataType, pretty: boolean): string {
  if (value === null || value === undefined) return 'NULL'
  switch (type.kind) {
    case 'string':
      return pretty ? String(value) : `'${String(value).replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
    case 'boolean':
      return value ? 'true' : 'false'
    case 'int':
      return String(value)
    case 'decimal':
      return pretty ? String(value) : `${value}BD`
    case 'byte':
      return pretty ? String(value) : `${value}Y`
    case 'short':
      return pretty ? String(value) : `${value}S`
    case 'long':
      return pretty ? String(value) : `${value}L`
    case 'float':
      return pretty ? javaFloat(Number(value)) : floatSql(Number(value))
    case 'double':
      return pretty ? javaDouble(Number(value)) : doubleSql(Number(value))
    case 'date':
      return `DATE '${new Date(Number(value) * 86_400_000).toISOString().slice(0, 10)}'`
    case 'timestamp':
      return `TIMESTAMP '${timestampText(Number(value))}'`
    case 'binary':
      return `X'${hex(value as Uint8Array)}'`
    case 'interval':
      return formatIntervalSql(Number(value))
    case 'array':
      return `ARRAY(${(value as unknown[]).map((v) => literalSql(v, type.element, false)).join(', ')})`
    case 'map': {
      const entries = [...(value as Map<unknown, unknown>)].map(
        ([k, v]) => `${literalSql(k, type.key, false)}, ${literalSql(v, type.value, false)}`,
      )
      return `MAP(${entries.join(', ')})`
    }
    case 'struct': {
      const row = value as Record<string, unknown>
      const fields = type.fields.map((f) => `'${f.name}', ${literalSql(row[f.name], f.type, false)}`)
      return `NAMED_STRUCT(${fields.join(', ')})`
    }
    default:
      return 'NULL'
  }
}

/** Spark's `Literal.sql` for a double: `1.5D`, and a cast for the values with no literal form. */
function doubleSql(d: number): string {
  return Number.isFinite(d) ? `${javaDouble(d)}D` : `CAST('${javaDouble(d)}' AS DOUBLE)`
}

function hex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).toUpperCase().padStart(2, '0')
  return out
}

/** `yyyy-MM-dd HH:mm:ss[.fff]` in UTC, trailing fraction zeros dropped as Spark does. */
function timestampText(ms: number): string {
  const iso = new Date(ms).toISOString()
  const fraction = iso.slice(20, 23).replace(/0+$/, '')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}`
}

function floatSql(f: number): string {
  return Number.isFinite(f) ? `${javaFloat(f)}F` : `CAST('${javaFloat(f)}' AS FLOAT)`
}

/** Java's `Float.toString`: the shortest decimal that rounds back to the float, laid out as javaDouble. */
function javaFloat(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDouble(f)
  for (let p = 1; p <= 9; p++) {
    const shortest = Number(f.toPrecision(p))
    if (Math.fround(shortest) === f) return javaDouble(shortest)
  }
  return javaDouble(f)
}

/**
 * Java's `Double.toString`, which Spark uses for double literals in names: `1.0`, `1.0E7`,
 * `1.0E-4`, `NaN`, `-0.0`.
 *
 * @example
 * javaDouble(1e7) // '1.0E7'
 */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN'
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity'
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(d)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d)
    return s.includes('.') ? s : `${s}.0`
  }
  const [mantissa, exponent] = d.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}
