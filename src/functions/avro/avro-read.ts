/**
 * Spark's `SchemaConverters.toSqlType` and `AvroDeserializer` for Sluice: the Sluice type of an Avro
 * schema, and a converter, compiled once, from the values avsc decodes to Sluice values.
 *
 * record -> struct, enum -> string, bytes/fixed -> binary, int/long/double/boolean/string as they
 * are, float -> float, array -> array, map -> map<string, _>, a union with null -> the nullable
 * other branch, [int, long] -> long, [float, double] -> double, other unions -> a struct with one
 * field per non-null branch (`member0`, `member1`, ... or, with stable identifiers,
 * `member_int`, `member_Name`). Logical types: date -> date, timestamp-millis/micros -> timestamp,
 * local-timestamp-millis/micros -> timestamp (Sluice has no TIMESTAMP_NTZ: the wall clock is read
 * as UTC), decimal -> double (Sluice has no decimal type). Longs marked by Spark as day-time
 * intervals read as intervals.
 */
import { SluiceError } from '../../errors.ts'
import { type DataType, field, structOf, t } from '../../schema/data-type.ts'
import {
  type AvroType,
  annotationOf,
  isRecord,
  isUnion,
  nonNullBranches,
  unionHasNull,
} from './avro-schema.ts'
import { decimalBytesToDouble, decimalBytesToText } from './decimal.ts'

/** Converts one decoded avsc value; null means the value is already a Sluice value. */
export type AvroConverter = ((value: any) => unknown) | null

export interface AvroReadPlan {
  readonly type: DataType
  readonly nullable: boolean
  readonly convert: AvroConverter
}

export interface AvroReadOptions {
  /** Spark's `enableStableIdentifiersForUnionType`: name union members after their types. */
  readonly stableUnionIds?: boolean
  /** Spark's `stableIdentifierPrefixForUnionType` (default `member_`). */
  readonly stableUnionPrefix?: string
}

interface Ctx {
  readonly opts: AvroReadOptions
  /** Full names of the records enclosing the current type (recursion is an error, as in Spark). */
  readonly records: Set<string>
}

const DAY_TIME_INTERVAL = /^interval (day|hour|minute|second)( to (hour|minute|second))?$/

const toBinary = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const microsToMillis = (us: number): number => Math.floor(us / 1000)

/**
 * The Sluice type of `type` and the converter of its decoded values.
 *
 * @example
 * const plan = compileAvroRead(parseAvroSchema('{"type":"long","logicalType":"timestamp-micros"}'))
 * plan.type // t.timestamp()
 * plan.convert?.(1500) // 1 (epoch milliseconds)
 */
export function compileAvroRead(type: AvroType, opts: AvroReadOptions = {}): AvroReadPlan {
  return planOf(type, { opts, records: new Set() })
}

function planOf(type: AvroType, ctx: Ctx): AvroReadPlan {
  const plain = (dataType: DataType, convert: AvroConverter = null, nullable = false): AvroReadPlan => ({
    type: dataType,
    nullable,
    convert,
  })
  const note = annotationOf(type)
  switch (type.typeName) {
    case 'null':
      return plain(t.null(), null, true)
    case 'boolean':
      return plain(t.boolean())
    case 'int':
      return plain(note?.logicalType === 'date' ? t.date() : t.int())
    case 'long':
      return longPlan(type)
    case 'float':
      return plain(t.float())
    case 'double':
      return plain(t.double())
    case 'string':
    case 'enum':
      return plain(t.string())
    case 'bytes':
    case 'fixed':
      if (note?.logicalType !== 'decimal') return plain(t.binary(), toBinary)
      // Spark reads decimal(p, s) up to 38 digits; wider ones stay the nearest double.
      if (note.precision > 38 || note.scale > note.precision)
        return plain(t.double(), (b: Buffer) => decimalBytesToDouble(b, note.scale))
      return plain(t.decimal(note.precision, note.scale), (b: Buffer) => decimalBytesToText(b, note.scale))
    case 'array':
      return arrayPlan(type.itemsType as AvroType, ctx)
    case 'map':
      return mapPlan(type.valuesType as AvroType, ctx)
  }
  if (isUnion(type)) return unionPlan(type, ctx)
  if (isRecord(type)) return recordPlan(type, ctx)
  throw new SluiceError('INVALID_SCHEMA', `Avro type ${type.typeName} is not supported.`)
}

function longPlan(type: AvroType): AvroReadPlan {
  const note = annotationOf(type)
  const plan = (dataType: DataType, convert: AvroConverter): AvroReadPlan => ({
    type: dataType,
    nullable: false,
    convert,
  })
  switch (note?.logicalType) {
    case 'timestamp-millis':
    case 'local-timestamp-millis':
      return plan(t.timestamp(), null)
    case 'timestamp-micros':
    case 'local-timestamp-micros':
      return plan(t.timestamp(), microsToMillis)
  }
  // Spark writes DAY TO SECOND intervals as microsecond longs marked with this property.
  if (note?.catalystType != null && DAY_TIME_INTERVAL.test(note.catalystType))
    return plan(t.interval(), microsToMillis)
  return plan(t.long(), null)
}

function arrayPlan(items: AvroType, ctx: Ctx): AvroReadPlan {
  const element = planOf(items, ctx)
  const conv = element.convert
  // avsc builds a fresh array per value, so converting in place saves an allocation.
  const convert =
    conv === null
      ? null
      : (a: unknown[]) => {
          for (let i = 0; i < a.length; i++) a[i] = conv(a[i])
          return a
        }
  return { type: t.array(element.type, element.nullable), nullable: false, convert }
}

function mapPlan(values: AvroType, ctx: Ctx): AvroReadPlan {
  const value = planOf(values, ctx)
  const conv = value.convert
  const convert = (o: Record<string, unknown>) => {
    const m = new Map<string, unknown>()
    for (const k in o) m.set(k, conv === null ? o[k] : conv(o[k]))
    return m
  }
  return { type: t.map(t.string(), value.type, value.nullable), nullable: false, convert }
}

function recordPlan(type: AvroType, ctx: Ctx): AvroReadPlan {
  const name = type.name ?? ''
  if (ctx.records.has(name)) {
    throw new SluiceError(
      'INVALID_SCHEMA',
      `Found a recursive reference to record '${name}' in the Avro schema, which Sluice (like Spark by default) cannot turn into a struct type. Break the cycle in the schema.`,
    )
  }
  ctx.records.add(name)
  const plans = (type.fields ?? []).map((f) => planOf(f.type, ctx))
  ctx.records.delete(name)
  const fields = (type.fields ?? []).map((f, i) => field(f.name, plans[i].type, plans[i].nullable))
  return {
    type: structOf(fields),
    nullable: false,
    convert: recordConverter(
      fields.map((f) => f.name),
      plans,
    ),
  }
}

/** A record converter made with `new Function`, so each struct is built as one object literal. */
function recordConverter(names: readonly string[], plans: readonly AvroReadPlan[]): (v: any) => unknown {
  const convs = plans.map((p) => p.convert)
  const props = names.map((n, i) => {
    const key = n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n)
    const read = `v[${JSON.stringify(n)}]`
    return `${key}: ${convs[i] === null ? read : `c[${i}](${read})`}`
  })
  return new Function('c', `return function readRecord(v) { return { ${props.join(', ')} } }`)(convs)
}

function unionPlan(type: AvroType, ctx: Ctx): AvroReadPlan {
  const branches = nonNullBranches(type)
  const hasNull = unionHasNull(type)
  if (branches.length === 0) return { type: t.null(), nullable: true, convert: null }
  if (branches.length === 1) {
    // avsc leaves null-or-one-type unions unwrapped: the value is the branch's value or null.
    const plan = planOf(branches[0], ctx)
    const conv = plan.convert
    const convert = conv === null ? null : (v: unknown) => (v === null ? null : conv(v))
    return { type: plan.type, nullable: hasNull || plan.nullable, convert }
  }
  const kinds = new Set(branches.map((b) => b.typeName))
  if (
    branches.length === 2 &&
    ((kinds.has('int') && kinds.has('long')) || (kinds.has('float') && kinds.has('double')))
  ) {
    const numeric = kinds.has('int') ? t.long() : t.double()
    return { type: numeric, nullable: hasNull, convert: (v) => (v === null ? null : v[firstKey(v)]) }
  }
  return memberUnionPlan(type, branches, hasNull, ctx)
}

/** A wrapped union value holds its branch under the branch's name, its only own property. */
function firstKey(v: object): string {
  for (const k in v) return k
  return ''
}

function memberUnionPlan(
  type: AvroType,
  branches: readonly AvroType[],
  hasNull: boolean,
  ctx: Ctx,
): AvroReadPlan {
  const names = memberNames(branches, ctx.opts)
  const plans = branches.map((b) => planOf(b, ctx))
  // avsc's branch names, per branch in the full union (null included), map to member slots.
  const slotOf = new Map<string, number>()
  ;(type.types ?? []).forEach((b) => {
    const i = branches.indexOf(b)
    if (i >= 0) slotOf.set(b.branchName as string, i)
  })
  const convs = plans.map((p) => p.convert)
  const convert = (v: any): unknown => {
    if (v === null) return null
    const key = firstKey(v)
    const slot = slotOf.get(key) as number
    const out: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) out[names[i]] = null
    const c = convs[slot]
    out[names[slot]] = c === null ? v[key] : c(v[key])
    return out
  }
  const fields = names.map((n, i) => field(n, plans[i].type, true))
  return { type: structOf(fields), nullable: hasNull, convert }
}

function memberNames(branches: readonly AvroType[], opts: AvroReadOptions): string[] {
  if (!opts.stableUnionIds) return branches.map((_, i) => `member${i}`)
  const prefix = opts.stableUnionPrefix ?? 'member_'
  const seen = new Set<string>()
  return branches.map((b) => {
    // Spark uses the simple name of named types and the type name of the others.
    const simple = b.name === undefined ? b.typeName : b.name.slice(b.name.lastIndexOf('.') + 1)
    const name = `${prefix}${simple}`
    if (seen.has(name.toLowerCase())) {
      throw new SluiceError(
        'INVALID_SCHEMA',
        `Cannot generate a stable identifier for an Avro union branch: the type name '${simple}' conflicts with another branch (names are compared ignoring case). Turn off enableStableIdentifiersForUnionType.`,
      )
    }
    seen.add(name.toLowerCase())
    return name
  })
}
