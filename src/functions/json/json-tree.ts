/**
 * The exact JSON tree: what `JSON.parse` returns, except where the difference matters to Spark.
 * Objects are `Map`s (document key order, even for keys like "1"), and a number whose token
 * spelling matters is a `JsonNumber`: every float token (`2.0`, `1e5`, `NaN`) and every integer
 * beyond 2^53. A plain number in an exact tree is therefore always an exactly held integer token.
 */
import {
  END,
  END_ARRAY,
  END_OBJECT,
  FALSE,
  FLOAT,
  INT,
  type JsonSyntax,
  NULL,
  START_ARRAY,
  START_OBJECT,
  STRING,
  TRUE,
} from './json-token.ts'
import { JsonTokenizer } from './json-tokenizer.ts'

/** A number token whose spelling `JSON.parse` would lose. */
export class JsonNumber {
  /** The token as written, e.g. `2.0`, `1e5`, `NaN`, `12345678901234567890`. */
  readonly text: string
  readonly value: number
  /** True for an integer token (only ever beyond 2^53 in an exact tree). */
  readonly isInt: boolean
  constructor(text: string, value: number, isInt: boolean) {
    this.text = text
    this.value = value
    this.isInt = isInt
  }
}

/** Returned by `parseJsonExact` for text with no value at all (empty or whitespace). */
export const NO_JSON_VALUE: unique symbol = Symbol('NO_JSON_VALUE')

/** Spark's defaults for `from_json` and the JSON source. */
export const SPARK_JSON_SYNTAX: JsonSyntax = Object.freeze({
  allowSingleQuotes: true,
  allowUnquotedControlChars: false,
  allowNonNumericNumbers: true,
  allowNumericLeadingZeros: false,
})

const shared = new JsonTokenizer()

/**
 * Parses the first JSON value of `text` into an exact tree, ignoring anything after it as Spark
 * does. Throws a `JsonSyntaxError` for text Jackson would reject under `syntax`.
 *
 * @example
 * parseJsonExact('{"b":2.0,"1":3} trailing', SPARK_JSON_SYNTAX)
 * // Map { 'b' => JsonNumber { text: '2.0', value: 2 }, '1' => 3 }
 */
export function parseJsonExact(text: string, syntax: JsonSyntax = SPARK_JSON_SYNTAX): unknown {
  const tk = shared.reset(text, syntax)
  if (tk.next() === END) return NO_JSON_VALUE
  return readValue(tk)
}

function readValue(tk: JsonTokenizer): unknown {
  switch (tk.token) {
    case START_OBJECT: {
      const m = new Map<string, unknown>()
      while (tk.next() !== END_OBJECT) {
        const key = tk.str
        tk.next()
        m.set(key, readValue(tk))
      }
      return m
    }
    case START_ARRAY: {
      const a: unknown[] = []
      while (tk.next() !== END_ARRAY) a.push(readValue(tk))
      return a
    }
    case STRING:
      return tk.str
    case INT:
      return Number.isSafeInteger(tk.num) ? tk.num : new JsonNumber(tk.numText, tk.num, true)
    case FLOAT:
      return new JsonNumber(tk.numText, tk.num, false)
    case TRUE:
      return true
    case FALSE:
      return false
    case NULL:
      return null
    default:
      return tk.fail('a JSON value')
  }
}
