/**
 * Primary expressions: literals, column references, `*`, parentheses, function calls and the
 * keyword forms with their own syntax (CASE, CAST, TRY_CAST, EXTRACT, SUBSTRING ... FROM ... FOR).
 */
import { t } from '../../schema/data-type.ts'
import {
  callExpr,
  caseExpr,
  castExpr,
  columnExpr,
  type Expr,
  lambdaExpr,
  literalExpr,
  starExpr,
} from '../expr.ts'
import type { ExprParser } from './expr-parser.ts'
import { RESERVED } from './keywords.ts'
import type { Token } from './lexer.ts'
import { intervalLiteral, numberLiteral, startsIntervalLiteral, typedLiteral } from './literals.ts'
import { parseDataTypeFrom } from './type-parser.ts'

// Reserved words that are also Spark functions, so `left(s, 2)` is a call.
const RESERVED_FUNCTIONS = new Set(['LEFT', 'RIGHT', 'FILTER', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP'])
// Reserved words Spark still reads as names (its ANSI mode does not enforce reserved keywords):
// `window(ts, '5 minutes')` and the `window` column it makes.
const RESERVED_NAMES = new Set(['WINDOW'])
// Spark reads these bare words as calls when no column has the name; Sluice always does.
const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_USER'])

/**
 * Parses one primary expression; `negative` when a `-` was consumed just before a number.
 *
 * @example
 * parsePrimary(new ExprParser("DATE '2024-01-01'"))
 */
export function parsePrimary(p: ExprParser, negative = false): Expr {
  const tok = p.peek()
  switch (tok.kind) {
    case 'number':
      p.next()
      return numberLiteral(p, tok, negative)
    case 'string':
      return stringLiteral(p)
    case 'quotedIdent':
      p.next()
      return p.isOp('(') ? parseCall(p, tok) : columnExpr([tok.value])
    case 'ident':
      return parseWord(p, tok)
    case 'op':
      if (p.acceptOp('*')) return starExpr([])
      if (p.acceptOp('(')) {
        const e = p.parseExpression()
        // `(a, b)` is a struct, as in Spark: struct(a, b).
        const items = [e]
        while (p.acceptOp(',')) items.push(p.parseExpression())
        p.expectOp(')')
        return items.length === 1 ? e : callExpr('struct', items)
      }
      throw p.syntaxError('expected an expression')
    default:
      throw p.syntaxError('expected an expression')
  }
}

/** Adjacent string literals concatenate, as in Spark: `'a' 'b'` is 'ab'. */
function stringLiteral(p: ExprParser): Expr {
  let value = p.next().value
  while (p.peek().kind === 'string') value += p.next().value
  return literalExpr(value, t.string())
}

function parseWord(p: ExprParser, tok: Token): Expr {
  const word = tok.value.toUpperCase()
  const next = p.peek(1)
  if (word === 'TRUE' || word === 'FALSE') {
    p.next()
    return literalExpr(word === 'TRUE', t.boolean())
  }
  if (word === 'NULL') {
    p.next()
    return literalExpr(null, t.null())
  }
  if (word === 'CASE') return parseCase(p)
  if (word === 'INTERVAL' && startsIntervalLiteral(p)) return intervalLiteral(p, p.next())
  const isCall = next.kind === 'op' && next.value === '('
  if (!isCall && p.lambdaParams.includes(word)) {
    p.next()
    return columnExpr([tok.value])
  }
  if (RESERVED.has(word) && !RESERVED_NAMES.has(word) && !(isCall && RESERVED_FUNCTIONS.has(word)))
    throw p.syntaxError()
  if (next.kind === 'string') {
    p.next()
    return typedLiteral(p, tok, p.next())
  }
  if (isCall && (word === 'CAST' || word === 'TRY_CAST')) return parseCast(p, word === 'TRY_CAST')
  if (isCall && word === 'EXTRACT') return parseExtract(p)
  if (!isCall && NILADIC.has(word)) {
    p.next()
    return callExpr(word, [])
  }
  p.next()
  return isCall ? parseCall(p, tok) : columnExpr([tok.value])
}

/** `CASE [x] WHEN a THEN b ... [ELSE c] END`; the simple form compares `x = a` per branch. */
function parseCase(p: ExprParser): Expr {
  p.next()
  const subject = p.isKeyword('WHEN') ? null : p.parseExpression()
  const branches: { when: Expr; then: Expr }[] = []
  while (p.acceptKeyword('WHEN')) {
    const cond = p.parseExpression()
    p.expectKeyword('THEN')
    const when = subject ? callExpr('=', [subject, cond]) : cond
    branches.push({ when, then: p.parseExpression() })
  }
  if (branches.length === 0) throw p.syntaxError('expected WHEN')
  const otherwise = p.acceptKeyword('ELSE') ? p.parseExpression() : null
  p.expectKeyword('END')
  return caseExpr(branches, otherwise)
}

function parseCast(p: ExprParser, isTry: boolean): Expr {
  p.next()
  p.expectOp('(')
  const child = p.parseExpression()
  p.expectKeyword('AS')
  const type = parseDataTypeFrom(p)
  p.expectOp(')')
  return castExpr(child, type, isTry ? 'try' : 'ansi')
}

/** `EXTRACT(YEAR FROM ts)` is call('extract', 'YEAR', ts), the field kept as written. */
function parseExtract(p: ExprParser): Expr {
  p.next()
  p.expectOp('(')
  const field = p.expectIdentifier('a field name such as YEAR')
  p.expectKeyword('FROM')
  const source = p.parseExpression()
  p.expectOp(')')
  return callExpr('extract', [literalExpr(field, t.string()), source])
}

/** `f(args)`, `f(DISTINCT args)`, `count(*)` (Spark's count(1)), `substring(s FROM i FOR n)`. */
function parseCall(p: ExprParser, nameTok: Token): Expr {
  const name = nameTok.value
  p.expectOp('(')
  const distinct = p.acceptKeyword('DISTINCT')
  if (!distinct) p.acceptKeyword('ALL')
  const args: Expr[] = []
  if (!p.isOp(')')) {
    const lower = name.toLowerCase()
    args.push(parseArgument(p))
    if ((lower === 'substring' || lower === 'substr') && p.acceptKeyword('FROM')) {
      args.push(p.parseExpression())
      if (p.acceptKeyword('FOR')) args.push(p.parseExpression())
    } else while (p.acceptOp(',')) args.push(parseArgument(p))
  }
  p.expectOp(')')
  if (p.isKeyword('WITHIN')) return withinGroup(p, name, args)
  for (const word of ['OVER', 'FILTER']) {
    if (p.isKeyword(word)) throw p.errorAt(`${word} clauses after a function call are not supported yet`)
  }
  const countStar =
    name.toLowerCase() === 'count' &&
    args.length === 1 &&
    args[0].kind === 'star' &&
    args[0].target.length === 0
  return callExpr(name, countStar ? [literalExpr(1, t.int())] : unitFirst(name, args), distinct)
}

const ORDERED_SET = new Set(['percentile_cont', 'percentile_disc'])

/**
 * `percentile_cont(p) WITHIN GROUP (ORDER BY x [ASC | DESC])` as `percentile_cont(x, p, desc)`:
 * the ordering column first, then the arguments, then whether the order is descending.
 */
function withinGroup(p: ExprParser, name: string, args: Expr[]): Expr {
  const at = p.peek()
  p.expectKeyword('WITHIN')
  if (!ORDERED_SET.has(name.toLowerCase())) {
    throw p.errorAt(`WITHIN GROUP is supported for percentile_cont and percentile_disc, not ${name}`, at)
  }
  p.expectKeyword('GROUP')
  p.expectOp('(')
  p.expectKeyword('ORDER')
  p.expectKeyword('BY')
  const key = p.parseExpression()
  const desc = p.acceptKeyword('DESC')
  if (!desc) p.acceptKeyword('ASC')
  p.expectOp(')')
  return callExpr(name, [key, ...args, literalExpr(desc, t.boolean())])
}

// `timestampadd(HOUR, 1, ts)`: the unit is a bare word (Spark's grammar), kept as a string literal.
const UNIT_FIRST = new Set(['timestampadd', 'timestampdiff'])

/** The three-argument forms' first argument as the unit it names: `timestampadd(HOUR, 1, ts)`. */
function unitFirst(name: string, args: Expr[]): Expr[] {
  const first = args[0]
  if (!UNIT_FIRST.has(name.toLowerCase()) || args.length !== 3 || first.kind !== 'column') return args
  const unit = first.parts.length === 1 ? first.parts[0].toUpperCase() : ''
  return TIME_UNITS.has(unit) ? [literalExpr(unit, t.string()), args[1], args[2]] : args
}

const TIME_UNITS = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'DAYOFYEAR',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
])

const isName = (tok: Token): boolean => tok.kind === 'ident' || tok.kind === 'quotedIdent'

/** `x ->` or `(x, y) ->` ahead: the parameter names and how many tokens they take with the arrow. */
function lambdaParamsAhead(p: ExprParser): { names: string[]; tokens: number } | undefined {
  if (isName(p.peek()) && p.isOp('->', 1)) return { names: [p.peek().value], tokens: 2 }
  if (!p.isOp('(')) return undefined
  const names: string[] = []
  let i = 1
  while (isName(p.peek(i))) {
    names.push(p.peek(i).value)
    if (p.isOp(')', i + 1)) return p.isOp('->', i + 2) ? { names, tokens: i + 3 } : undefined
    if (!p.isOp(',', i + 1)) return undefined
    i += 2
  }
  return undefined
}

function parseArgument(p: ExprParser): Expr {
  const params = lambdaParamsAhead(p)
  if (params !== undefined) {
    for (let i = 0; i < params.tokens; i++) p.next()
    const upper = params.names.map((n) => n.toUpperCase())
    p.lambdaParams.push(...upper)
    try {
      return lambdaExpr(params.names, p.parseExpression())
    } finally {
      p.lambdaParams.splice(p.lambdaParams.length - upper.length)
    }
  }
  const e = p.parseExpression()
  if (p.isOp('->')) throw p.errorAt('a lambda takes `x -> ...` or `(x, y) -> ...` parameters')
  if (p.isOp('=>')) throw p.errorAt('Named function arguments (name => value) are not supported yet')
  return e
}
