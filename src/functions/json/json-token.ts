/** Token kinds, syntax options and the syntax error of the JSON tokenizer (Jackson's vocabulary). */

export const END = 0
export const START_OBJECT = 1
export const END_OBJECT = 2
export const START_ARRAY = 3
export const END_ARRAY = 4
export const FIELD_NAME = 5
export const STRING = 6
export const INT = 7
export const FLOAT = 8
export const TRUE = 9
export const FALSE = 10
export const NULL = 11

/** Jackson's `JsonReadFeature`s that Spark turns on per function or option. */
export interface JsonSyntax {
  readonly allowSingleQuotes: boolean
  readonly allowUnquotedControlChars: boolean
  readonly allowNonNumericNumbers: boolean
  readonly allowNumericLeadingZeros: boolean
}

/** Thrown by the tokenizer for text Jackson would reject; callers turn it into null or an error. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError'
}
