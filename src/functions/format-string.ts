/**
 * `format_string` / `printf`: `java.util.Formatter` as Spark calls it, over Spark's internal values
 * (a DATE is its epoch day, a TIMESTAMP its epoch microseconds). Conversions `%s %S %d %o %x %X %e
 * %E %f %b %B %c %C %% %n`, argument indexes (`%2$s`, `%<s`), width, precision and the flags
 * `- 0 + space , ( #`. Decimal rounding is Java's: HALF_UP on the shortest decimal that reads back
 * as the double (`%.1f` of 0.35 is `0.4`). The `%t` date conversions and `%g`/`%a` are refused.
 */
import { SluiceError } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import { implicitCast, scalar } from './define.ts'
import { groupThousands, javaExponent, javaFixed } from './java-decimal-format.ts'
import { javaDoubleToString, javaFloatToString } from './json/index.ts'

/** The Java class a Sluice value arrives as in Spark's formatter. */
type JavaKind = 'int' | 'long' | 'short' | 'byte' | 'double' | 'float' | 'string' | 'boolean' | 'other'

const SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g

interface Spec {
  readonly flags: string
  readonly width: number
  readonly precision: number
  readonly conv: string
}

function javaKindOf(type: DataType): JavaKind {
  switch (type.kind) {
    case 'int':
    case 'date':
      return 'int'
    case 'long':
    case 'timestamp':
      return 'long'
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
    case 'string':
    case 'boolean':
      return type.kind
    default:
      return 'other'
  }
}

const JAVA_CLASS: Record<JavaKind, string> = {
  int: 'java.lang.Integer',
  long: 'java.lang.Long',
  short: 'java.lang.Short',
  byte: 'java.lang.Byte',
  double: 'java.lang.Double',
  float: 'java.lang.Float',
  string: 'org.apache.spark.unsafe.types.UTF8String',
  boolean: 'java.lang.Boolean',
  other: 'java.lang.Object',
}

function formatError(site: string, detail: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', `\`${site}\`: ${detail}.`)
}

function pad(s: string, spec: Spec): string {
  if (s.length >= spec.width) return s
  const fill = ' '.repeat(spec.width - s.length)
  return spec.flags.includes('-') ? s + fill : fill + s
}

/** Sign, grouping, zero padding and parentheses of a formatted magnitude. */
function signed(magnitude: string, negative: boolean, spec: Spec, grouped: boolean): string {
  let body = grouped && spec.flags.includes(',') ? groupThousands(magnitude) : magnitude
  const paren = negative && spec.flags.includes('(')
  const prefix = negative
    ? paren
      ? '('
      : '-'
    : spec.flags.includes('+')
      ? '+'
      : spec.flags.includes(' ')
        ? ' '
        : ''
  const suffix = paren ? ')' : ''
  if (spec.flags.includes('0')) {
    const room = spec.width - prefix.length - suffix.length
    if (body.length < room) body = '0'.repeat(room - body.length) + body
  }
  return pad(prefix + body + suffix, spec)
}

const BITS: Partial<Record<JavaKind, bigint>> = { int: 32n, long: 64n, short: 16n, byte: 8n }

function integral(v: number, kind: JavaKind, spec: Spec, site: string): string {
  const bits = BITS[kind]
  if (bits === undefined) throw conversionError(spec.conv, kind, site)
  if (spec.conv === 'd') return signed(String(Math.abs(v)), v < 0, spec, true)
  // %o and %x print the two's complement of a negative number in the type's width.
  const n = v < 0 ? (1n << bits) + BigInt(v) : BigInt(v)
  const digits = n.toString(spec.conv === 'o' ? 8 : 16)
  const alt = spec.flags.includes('#') ? (spec.conv === 'o' ? '0' : '0x') : ''
  const text = spec.flags.includes('0') ? alt + digits.padStart(spec.width - alt.length, '0') : alt + digits
  return pad(text, spec)
}

function floating(v: number, kind: JavaKind, spec: Spec, site: string): string {
  if (kind !== 'double' && kind !== 'float') throw conversionError(spec.conv, kind, site)
  if (Number.isNaN(v)) return pad('NaN', spec)
  const negative = v < 0 || Object.is(v, -0)
  if (!Number.isFinite(v))
    return pad(
      negative
        ? spec.flags.includes('(')
          ? '(Infinity)'
          : '-Infinity'
        : spec.flags.includes('+')
          ? '+Infinity'
          : 'Infinity',
      spec,
    )
  // Java's Formatter widens a Float to double first (so %f of 0.1F shows 0.100000001...).
  const digitsOf = javaDoubleToString
  const precision = spec.precision < 0 ? 6 : spec.precision
  const magnitude =
    spec.conv === 'f'
      ? javaFixed(Math.abs(v), precision, digitsOf)
      : javaExponent(Math.abs(v), precision, digitsOf)
  return signed(magnitude, negative, spec, spec.conv === 'f')
}

function conversionError(conv: string, kind: JavaKind, site: string): SluiceError {
  return formatError(site, `[IllegalFormatConversionException] ${conv} != ${JAVA_CLASS[kind]}`)
}

function asText(v: unknown, kind: JavaKind): string {
  if (v === null) return 'null'
  if (kind === 'double') return javaDoubleToString(v as number)
  if (kind === 'float') return javaFloatToString(v as number)
  return String(v)
}

function formatOne(v: unknown, kind: JavaKind, spec: Spec, site: string): string {
  const upper = spec.conv === spec.conv.toUpperCase()
  const conv = spec.conv.toLowerCase()
  const cut = (s: string) => (spec.precision >= 0 ? s.slice(0, spec.precision) : s)
  const cased = (s: string) => (upper ? s.toUpperCase() : s)
  if (conv === 'b')
    return pad(cased(cut(v === null ? 'false' : kind === 'boolean' ? String(v) : 'true')), spec)
  if (conv === 's') return pad(cased(cut(asText(v, kind))), spec)
  if (v === null) return pad(cased('null'), spec)
  const s = { ...spec, conv }
  switch (conv) {
    case 'c':
      if (kind !== 'int' && kind !== 'short' && kind !== 'byte') throw conversionError(spec.conv, kind, site)
      return pad(cased(String.fromCodePoint(v as number)), spec)
    case 'd':
    case 'o':
      return integral(v as number, kind, s, site)
    case 'x':
      return cased(integral(v as number, kind, s, site))
    case 'e':
    case 'f':
      return cased(floating(v as number, kind, s, site))
    default:
      throw formatError(site, `[UnknownFormatConversionException] Conversion = '${spec.conv}'`)
  }
}

/** Formats `args` (of the given Java kinds) with the Java format string `format`. */
export function javaFormat(
  format: string,
  args: readonly unknown[],
  kinds: readonly JavaKind[],
  site: string,
): string {
  let ordinary = 0
  let last = -1
  let out = ''
  let at = 0
  for (const m of format.matchAll(SPEC)) {
    const [whole, index, flags, width, precision, conv] = m
    out += checkPlain(format.slice(at, m.index), site)
    at = m.index + whole.length
    if (conv === '%' || conv === 'n') {
      out += conv === 'n' ? '\n' : pad('%', { flags, width: Number(width ?? 0), precision: -1, conv })
      continue
    }
    const i = index === '<' ? last : index !== undefined ? Number.parseInt(index, 10) - 1 : ordinary++
    if (i < 0 || i >= args.length) {
      throw formatError(site, `[MissingFormatArgumentException] Format specifier '${whole}'`)
    }
    last = i
    const spec = {
      flags,
      width: Number(width ?? 0),
      precision: precision === undefined ? -1 : Number(precision.slice(1)),
      conv,
    }
    out += formatOne(args[i], kinds[i], spec, site)
  }
  return out + checkPlain(format.slice(at), site)
}

function checkPlain(text: string, site: string): string {
  const stray = text.indexOf('%')
  if (stray >= 0) {
    throw formatError(
      site,
      `[UnknownFormatConversionException] Conversion = '${text.slice(stray + 1, stray + 2) || '%'}'`,
    )
  }
  return text
}

function bindFormat(name: string) {
  return scalar(name, [1, Number.POSITIVE_INFINITY], (args) => {
    const [format, ...rest] = args
    for (const [i, a] of rest.entries()) {
      if (javaKindOf(a.type) === 'other' && a.type.kind !== 'null') {
        throw new SluiceError(
          'DATATYPE_MISMATCH',
          `\`${name}\`: argument ${i + 2} is ${simpleString(a.type)}; Sluice formats only atomic values (Spark would print the JVM object). Cast it to a string first.`,
        )
      }
    }
    const kinds = rest.map((a) => (a.type.kind === 'null' ? 'string' : javaKindOf(a.type)))
    const scale = rest.map((a) => a.type.kind === 'timestamp')
    const fn = (f: string | null, ...values: unknown[]) => {
      if (f === null) return null
      const site = values.pop() as string
      // Spark formats a TIMESTAMP's internal value: microseconds since the epoch.
      const java = values.map((v, i) => (scale[i] && v !== null ? (v as number) * 1000 : v))
      return javaFormat(f, java, kinds, site)
    }
    return {
      type: t.string(),
      args: [implicitCast(name, 0, format, t.string()), ...rest],
      impl: { kind: 'fn', fn, nullSafe: true, withSite: true },
      nullable: format.nullable,
    }
  })
}

export const FORMAT_STRING_FUNCTIONS = [bindFormat('format_string'), bindFormat('printf')]
