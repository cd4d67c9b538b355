/**
 * Recursive-descent parser for Spark SQL expressions, following Spark's grammar levels
 * (lowest first): OR, AND, NOT, predicates (BETWEEN / IN / LIKE / RLIKE / IS ...), comparison,
 * `|`, `^`, `&`, shifts, `+ - ||`, `* / % DIV`, unary `- + ~`, postfix (`[i]`, `.field`, `::type`),
 * primary. A SELECT parser can extend `ExprParser` and reuse `parseNamedExpression`.
 */
import { t } from '../../schema/data-type.ts'
import { aliasExpr, callExpr, castExpr, columnExpr, type Expr, literalExpr, starExpr } from '../expr.ts'
import { checkExprDepth, isStackOverflow, MAX_EXPRESSION_DEPTH } from '../expr-depth.ts'
import { RESERVED } from './keywords.ts'
import { parseError } from './lexer.ts'
import { parsePrimary } from './primary.ts'
import { TokenStream } from './token-stream.ts'
import { parseDataTypeFrom } from './type-parser.ts'

interface BinaryOp {
  readonly level: number
  readonly name: string
}
// Binary operators by precedence level (higher binds tighter); all are left-associative.
const BINARY_OPS: Record<string, BinaryOp> = {
  '=': { level: 1, name: '=' },
  '==': { level: 1, name: '=' },
  '<=>': { level: 1, name: '<=>' },
  '<>': { level: 1, name: '!=' },
  '!=': { level: 1, name: '!=' },
  '<': { level: 1, name: '<' },
  '<=': { level: 1, name: '<=' },
  '>': { level: 1, name: '>' },
  '>=': { level: 1, name: '>=' },
  '|': { level: 2, name: '|' },
  '^': { level: 3, name: '^' },
  '&': { level: 4, name: '&' },
  '<<': { level: 5, name: '<<' },
  '>>': { level: 5, name: '>>' },
  '>>>': { level: 5, name: '>>>' },
  '+': { level: 6, name: '+' },
  '-': { level: 6, name: '-' },
  '||': { level: 6, name: 'concat' },
  '*': { level: 7, name: '*' },
  '/': { level: 7, name: '/' },
  '%': { level: 7, name: '%' },
}
const DIV_OP: BinaryOp = { level: 7, name: 'div' }
const UNARY_OPS: Record<string, string> = { '-': 'negative', '+': 'positive', '~': '~' }

const not = (e: Expr): Expr => callExpr('not', [e])

/**
 * Parses expressions from one SQL text; a statement parser extends it and calls
 * `parseNamedExpression` / `parseExpression` where its grammar has expressions.
 *
 * @example
 * const p = new ExprParser('a + 1 AS b, c')
 * const first = p.parseNamedExpression() // aliasExpr(callExpr('+', ...), 'b')
 * p.expectOp(',')
 */
export class ExprParser extends TokenStream {
  /** Parameters of the lambdas being parsed (upper-case): names even when reserved (`left`). */
  readonly lambdaParams: string[] = []

  /** `expr [AS] alias`: an alias without AS must not be a reserved word. */
  parseNamedExpression(): Expr {
    const e = this.parseExpression()
    if (this.acceptKeyword('AS')) return aliasExpr(e, this.expectIdentifier('an alias name after AS'))
    const tok = this.peek()
    if (tok.kind === 'quotedIdent' || (tok.kind === 'ident' && !RESERVED.has(tok.value.toUpperCase()))) {
      this.next()
      return aliasExpr(e, tok.value)
    }
    return e
  }

  /** A full boolean expression (the OR level). */
  parseExpression(): Expr {
    let left = this.parseAnd()
    while (this.acceptKeyword('OR')) left = callExpr('or', [left, this.parseAnd()])
    return left
  }

  private parseAnd(): Expr {
    let left = this.parseNot()
    while (this.acceptKeyword('AND')) left = callExpr('and', [left, this.parseNot()])
    return left
  }

  private parseNot(): Expr {
    if (this.acceptKeyword('NOT') || this.acceptOp('!')) return not(this.parseNot())
    return this.parsePredicate()
  }

  /** One optional predicate after a value expression, as Spark's grammar allows. */
  private parsePredicate(): Expr {
    const value = this.parseValue()
    if (this.acceptKeyword('IS')) return this.parseIsPredicate(value)
    const negated = this.isKeyword('NOT') && this.isPredicateKeyword(1)
    if (negated) this.next()
    if (!this.isPredicateKeyword(0)) return value
    const e = this.parseNegatablePredicate(value)
    return negated ? not(e) : e
  }

  private isPredicateKeyword(ahead: number): boolean {
    return ['BETWEEN', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP'].some((k) => this.isKeyword(k, ahead))
  }

  private parseNegatablePredicate(value: Expr): Expr {
    const kw = this.next().value.toUpperCase()
    if (kw === 'BETWEEN') {
      const low = this.parseValue()
      this.expectKeyword('AND')
      return callExpr('between', [value, low, this.parseValue()])
    }
    if (kw === 'IN') {
      this.expectOp('(')
      const list = [this.parseExpression()]
      while (this.acceptOp(',')) list.push(this.parseExpression())
      this.expectOp(')')
      return callExpr('in', [value, ...list])
    }
    if (kw === 'RLIKE' || kw === 'REGEXP') return callExpr('rlike', [value, this.parseValue()])
    const pattern = this.parseValue()
    if (!this.isKeyword('ESCAPE')) return callExpr(kw.toLowerCase(), [value, pattern])
    this.next()
    const esc = this.peek()
    if (esc.kind !== 'string' || [...esc.value].length !== 1) {
      throw this.syntaxError("ESCAPE takes a one-character string such as ESCAPE '!'")
    }
    this.next()
    return callExpr(kw.toLowerCase(), [value, pattern, literalExpr(esc.value, t.string())])
  }

  /** After IS: [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x, desugared as Spark does. */
  private parseIsPredicate(value: Expr): Expr {
    const negated = this.acceptKeyword('NOT')
    if (this.acceptKeyword('NULL') || this.acceptKeyword('UNKNOWN')) {
      return callExpr(negated ? 'isnotnull' : 'isnull', [value])
    }
    let e: Expr
    if (this.isKeyword('TRUE') || this.isKeyword('FALSE')) {
      const truth = this.next().value.toUpperCase() === 'TRUE'
      e = callExpr('<=>', [value, literalExpr(truth, t.boolean())])
    } else if (this.acceptKeyword('DISTINCT')) {
      this.expectKeyword('FROM')
      const same = callExpr('<=>', [value, this.parseValue()])
      // IS DISTINCT FROM is the negation of <=>, so IS NOT DISTINCT FROM is <=> itself.
      return negated ? same : not(same)
    } else throw this.syntaxError('expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS')
    return negated ? not(e) : e
  }

  /** A value expression: binary operators by precedence climbing, no predicates. */
  parseValue(minLevel = 1): Expr {
    let left = this.parseUnary()
    while (true) {
      const op = this.binaryOpAhead()
      if (!op || op.level < minLevel) return left
      this.next()
      left = callExpr(op.name, [left, this.parseValue(op.level + 1)])
    }
  }

  private binaryOpAhead(): BinaryOp | undefined {
    const tok = this.peek()
    if (tok.kind === 'op') return BINARY_OPS[tok.value]
    return this.isKeyword('DIV') ? DIV_OP : undefined
  }

  private parseUnary(): Expr {
    const tok = this.peek()
    const op = tok.kind === 'op' ? UNARY_OPS[tok.value] : undefined
    if (!op) return this.parsePostfix(parsePrimary(this))
    this.next()
    // `-5` is one literal in Spark (so `-2147483648` is an int), but `-(5)` and `-a` are negations.
    if (tok.value === '-' && this.peek().kind === 'number') {
      return this.parsePostfix(parsePrimary(this, true))
    }
    return callExpr(op, [this.parseUnary()])
  }

  /** `x[i]`, `x.field`, `t.*` and `x::type` after a primary expression. */
  private parsePostfix(base: Expr): Expr {
    let e = base
    while (true) {
      if (this.acceptOp('[')) {
        const index = this.parseExpression()
        this.expectOp(']')
        e = callExpr('subscript', [e, index])
      } else if (this.acceptOp('::')) {
        e = castExpr(e, parseDataTypeFrom(this))
      } else if (this.isOp('.')) {
        e = this.parseDereference(e)
      } else return e
    }
  }

  private parseDereference(e: Expr): Expr {
    const dot = this.next()
    if (this.acceptOp('*')) {
      if (e.kind !== 'column') throw this.syntaxError('.* must follow a column or table name', dot)
      return starExpr(e.parts)
    }
    const name = this.expectIdentifier('a field name after .')
    // `a.b.c` stays one column reference: the analyzer decides which parts are qualifiers.
    if (e.kind === 'column' && e.planId === undefined) return columnExpr([...e.parts, name])
    return callExpr('get_field', [e, literalExpr(name, t.string())])
  }
}

/**
 * Parses one Spark SQL expression, optionally aliased (`price * 0.9 AS euros`, `price euros`).
 *
 * @example
 * parseExpression('a + 1') // callExpr('+', [columnExpr(['a']), literalExpr(1, t.int())])
 * parseExpression('upper(name) AS n') // aliasExpr(callExpr('upper', [columnExpr(['name'])]), 'n')
 */
export function parseExpression(text: string): Expr {
  let e: Expr
  try {
    const p = new ExprParser(text)
    e = p.parseNamedExpression()
    p.expectEnd()
  } catch (error) {
    if (!isStackOverflow(error)) throw error
    throw parseError(
      `The expression is nested too deeply to parse (at most ${MAX_EXPRESSION_DEPTH} levels)`,
      text,
      0,
      Math.min(text.length, 20),
    )
  }
  checkExprDepth(e, 'the SQL expression')
  return e
}
