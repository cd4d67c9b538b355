/**
 * Sluice's data types: plain frozen values, compared structurally.
 *
 * Runtime representation of each type's values (what rows hold and what `collect()` returns):
 *   string -> string, boolean -> boolean, byte/short/int/long/float/double -> number (long is exact
 *   to 2^53; arithmetic that leaves that range is an error; byte, short and float hold only values
 *   of Spark's 8-bit, 16-bit and 32-bit types: floats are rounded with Math.fround on every write), timestamp -> number (epoch milliseconds, UTC),
 *   date -> number (days since 1970-01-01, like Spark and Arrow's date32), binary -> Uint8Array,
 *   interval -> number (a day-time interval in milliseconds, from `INTERVAL '10' MINUTE`),
 *   array -> JS array, map -> Map, struct -> plain object keyed by field name. SQL NULL is `null`.
 *   decimal(p, s) -> string in plain notation at exactly scale s (`'1.50'`), exact to 38 digits
 *   (schema/decimal-value.ts says why and how arithmetic works on it).
 */
import { SluiceError } from '../errors.ts'

export type AtomicKind =
  | 'string'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'timestamp'
  | 'date'
  | 'binary'
  | 'interval'
  | 'null'

export interface AtomicType<K extends AtomicKind = AtomicKind> {
  readonly kind: K
}
/** Spark's DecimalType: `precision` digits in all (1 to 38), `scale` of them after the point. */
export interface DecimalType {
  readonly kind: 'decimal'
  readonly precision: number
  readonly scale: number
}
export interface ArrayType<E extends DataType = DataType> {
  readonly kind: 'array'
  readonly element: E
  readonly containsNull: boolean
}
export interface MapType<K extends DataType = DataType, V extends DataType = DataType> {
  readonly kind: 'map'
  readonly key: K
  readonly value: V
  readonly valueContainsNull: boolean
}
export interface StructField {
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
}
export interface StructType<F extends StructFieldsSpec = StructFieldsSpec> {
  readonly kind: 'struct'
  readonly fields: readonly StructField[]
  /** Phantom: the field spec the struct was built from, for row-type inference only. */
  readonly __spec?: F
}

export type DataType = AtomicType | DecimalType | ArrayType | MapType | StructType

/** A struct field spec marked non-nullable with `t.notNull(type)`. */
export interface NotNullSpec<T extends DataType = DataType> {
  readonly kind: 'notNull'
  readonly type: T
}
export type FieldSpec = DataType | NotNullSpec
export type StructFieldsSpec = { readonly [name: string]: FieldSpec }

const atomic = <K extends AtomicKind>(kind: K): AtomicType<K> => Object.freeze({ kind })

const STRING = atomic('string')
const BOOLEAN = atomic('boolean')
const BYTE = atomic('byte')
const SHORT = atomic('short')
const INT = atomic('int')
const LONG = atomic('long')
const FLOAT = atomic('float')
const DOUBLE = atomic('double')
const TIMESTAMP = atomic('timestamp')
const DATE = atomic('date')
const BINARY = atomic('binary')
const INTERVAL = atomic('interval')
const NULL = atomic('null')

/**
 * Type builders.
 *
 * @example
 * const Bid = t.struct({ auction: t.notNull(t.long()), price: t.double(), tags: t.array(t.string()) })
 * type BidRow = InferRow<typeof Bid> // { auction: number; price: number | null; tags: (string | null)[] | null }
 */
export const t = Object.freeze({
  string: (): AtomicType<'string'> => STRING,
  boolean: (): AtomicType<'boolean'> => BOOLEAN,
  /** Spark's ByteType (`tinyint`): an 8-bit integer, -128 to 127. */
  byte: (): AtomicType<'byte'> => BYTE,
  /** Spark's ShortType (`smallint`): a 16-bit integer, -32768 to 32767. */
  short: (): AtomicType<'short'> => SHORT,
  int: (): AtomicType<'int'> => INT,
  long: (): AtomicType<'long'> => LONG,
  /** Spark's FloatType: a 32-bit float (values are rounded to 32 bits when written). */
  float: (): AtomicType<'float'> => FLOAT,
  double: (): AtomicType<'double'> => DOUBLE,
  /**
   * Spark's DecimalType (`decimal(p,s)`): an exact decimal of `precision` digits (at most 38),
   * `scale` of them after the point; default decimal(10,0) as Spark. Values are strings at the
   * type's scale (`'1.50'`); rows given to createDataFrame may hold strings, numbers or bigints.
   *
   * @example
   * const Price = t.struct({ amount: t.decimal(10, 2) }) // rows hold { amount: '19.99' }
   */
  decimal: (precision = 10, scale = 0): DecimalType => decimalType(precision, scale),
  timestamp: (): AtomicType<'timestamp'> => TIMESTAMP,
  date: (): AtomicType<'date'> => DATE,
  binary: (): AtomicType<'binary'> => BINARY,
  /** A day-time interval, held as milliseconds. */
  interval: (): AtomicType<'interval'> => INTERVAL,
  /** The type of an untyped `lit(null)`. */
  null: (): AtomicType<'null'> => NULL,
  array: <E extends DataType>(element: E, containsNull = true): ArrayType<E> =>
    Object.freeze({ kind: 'array', element, containsNull }),
  map: <K extends DataType, V extends DataType>(key: K, value: V, valueContainsNull = true): MapType<K, V> =>
    Object.freeze({ kind: 'map', key, value, valueContainsNull }),
  struct: <F extends StructFieldsSpec>(spec: F): StructType<F> =>
    Object.freeze({
      kind: 'struct',
      fields: Object.freeze(
        Object.entries(spec).map(([name, f]) =>
          f.kind === 'notNull' ? field(name, f.type, false) : field(name, f as DataType, true),
        ),
      ),
    }) as StructType<F>,
  /** Marks a struct field as non-nullable (fields are nullable by default, as in Spark). */
  notNull: <T extends DataType>(type: T): NotNullSpec<T> => Object.freeze({ kind: 'notNull', type }),
})

/** The DecimalType of (precision, scale); throws on a precision outside 1..38 or a bad scale. */
export function decimalType(precision: number, scale: number): DecimalType {
  if (
    !Number.isInteger(precision) ||
    !Number.isInteger(scale) ||
    precision < 1 ||
    precision > 38 ||
    scale < 0 ||
    scale > precision
  ) {
    throw new SluiceError(
      'INVALID_SCHEMA',
      `decimal(${precision}, ${scale}) is not a decimal type: the precision must be 1 to 38 and the scale 0 to the precision.`,
    )
  }
  return Object.freeze({ kind: 'decimal', precision, scale })
}

export function field(name: string, type: DataType, nullable = true): StructField {
  return Object.freeze({ name, type, nullable })
}

export function structOf(fields: readonly StructField[]): StructType {
  return Object.freeze({ kind: 'struct', fields: Object.freeze([...fields]) })
}

// ---- row-type inference ----------------------------------------------------------------------

type Prettify<T> = { [K in keyof T]: T[K] } & {}

/** The TypeScript value type of one (non-null) value of data type `T`. */
export type InferValue<T, In extends boolean = false> = T extends DecimalType
  ? In extends true
    ? string | number | bigint
    : string
  : T extends AtomicType<infer K>
    ? K extends 'string'
      ? string
      : K extends 'boolean'
        ? boolean
        : K extends 'binary'
          ? Uint8Array
          : K extends 'null'
            ? null
            : number
    : T extends ArrayType<infer E>
      ? (InferValue<E, In> | null)[]
      : T extends MapType<infer K, infer V>
        ? Map<InferValue<K, In>, InferValue<V, In> | null>
        : T extends StructType<infer F>
          ? InferFields<F, In>
          : unknown

type InferField<F, In extends boolean> =
  F extends NotNullSpec<infer T> ? InferValue<T, In> : InferValue<F, In> | null
type InferFields<F, In extends boolean = false> = Prettify<{
  -readonly [K in keyof F]: InferField<F[K], In>
}>

/**
 * The row type of a struct schema.
 *
 * @example
 * const S = t.struct({ id: t.notNull(t.long()), name: t.string() })
 * const row: InferRow<typeof S> = { id: 1, name: null }
 */
export type InferRow<S> = S extends StructType<infer F> ? InferFields<F> : never

/**
 * The rows `createDataFrame` takes for a struct schema: as `InferRow`, except that a decimal may
 * also be given as a number or a bigint (it becomes the decimal's text).
 *
 * @example
 * const row: InferInputRow<typeof Price> = { amount: 19.99 }
 */
export type InferInputRow<S> = S extends StructType<infer F> ? InferFields<F, true> : never

// ---- helpers ---------------------------------------------------------------------------------

const NUMERIC_KINDS: ReadonlySet<string> = new Set(['byte', 'short', 'int', 'long', 'float', 'double'])
const INTEGRAL_KINDS: ReadonlySet<string> = new Set(['byte', 'short', 'int', 'long'])

export function isNumeric(type: DataType): boolean {
  return NUMERIC_KINDS.has(type.kind)
}
export function isIntegral(type: DataType): boolean {
  return INTEGRAL_KINDS.has(type.kind)
}
/** byte, short or int: the integral types whose values fit 32 bits (arithmetic is checked per type). */
export function isSmallIntegral(type: DataType): boolean {
  return type.kind === 'byte' || type.kind === 'short' || type.kind === 'int'
}
/** float or double. */
export function isFractional(type: DataType): boolean {
  return type.kind === 'float' || type.kind === 'double'
}
/** decimal(p, s): held as strings, so never part of `isNumeric` (whose values are JS numbers). */
export function isDecimal(type: DataType): type is DecimalType {
  return type.kind === 'decimal'
}
/** A number type of any kind, decimal included. */
export function isNumberType(type: DataType): boolean {
  return NUMERIC_KINDS.has(type.kind) || type.kind === 'decimal'
}

/** Structural equality of two types (nullability flags included). */
export function typeEquals(a: DataType, b: DataType): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'array': {
      const o = b as ArrayType
      return a.containsNull === o.containsNull && typeEquals(a.element, o.element)
    }
    case 'map': {
      const o = b as MapType
      return (
        a.valueContainsNull === o.valueContainsNull &&
        typeEquals(a.key, o.key) &&
        typeEquals(a.value, o.value)
      )
    }
    case 'decimal':
      return a.precision === (b as DecimalType).precision && a.scale === (b as DecimalType).scale
    case 'struct': {
      const o = b as StructType
      return (
        a.fields.length === o.fields.length &&
        a.fields.every(
          (f, i) =>
            f.name === o.fields[i].name &&
            f.nullable === o.fields[i].nullable &&
            typeEquals(f.type, o.fields[i].type),
        )
      )
    }
    default:
      return true
  }
}

/** Equality ignoring nullability flags (what matters for type checking). */
export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'array':
      return sameType(a.element, (b as ArrayType).element)
    case 'map':
      return sameType(a.key, (b as MapType).key) && sameType(a.value, (b as MapType).value)
    case 'decimal':
      return a.precision === (b as DecimalType).precision && a.scale === (b as DecimalType).scale
    case 'struct': {
      const o = b as StructType
      return (
        a.fields.length === o.fields.length &&
        a.fields.every((f, i) => f.name === o.fields[i].name && sameType(f.type, o.fields[i].type))
      )
    }
    default:
      return true
  }
}

const SIMPLE: Record<AtomicKind, string> = {
  string: 'string',
  boolean: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  int: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  timestamp: 'timestamp',
  date: 'date',
  binary: 'binary',
  interval: 'interval day to second',
  null: 'void',
}

/** Spark's `simpleString`: `bigint`, `array<int>`, `struct<a:int,b:string>`. */
export function simpleString(type: DataType): string {
  switch (type.kind) {
    case 'array':
      return `array<${simpleString(type.element)}>`
    case 'map':
      return `map<${simpleString(type.key)},${simpleString(type.value)}>`
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(',')}>`
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`
    default:
      return SIMPLE[type.kind]
  }
}
