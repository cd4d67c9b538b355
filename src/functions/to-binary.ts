/**
 * `to_binary(str[, fmt])` and `try_to_binary`: text to bytes in format `hex` (the default; an odd
 * digit count gets a leading 0), `utf-8`/`utf8` or `base64` (whitespace ignored, padding
 * optional), case-insensitive. Text that is not in the format fails with
 * CONVERSION_INVALID_INPUT (NULL from try_to_binary); an unknown format is an analysis error.
 */
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import { implicitCast, requireFoldable, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const HEX = /^[0-9a-fA-F]*$/
const BASE64_CHAR = /[A-Za-z0-9+/]/

/** Spark's check before decoding base64: only base64 characters, whitespace, and 1-2 final '='. */
function isValidBase64(s: string): boolean {
  let count = 0
  let pad = 0
  for (const c of s) {
    if (BASE64_CHAR.test(c)) {
      if (pad > 0) return false
      count++
    } else if (c === '=') {
      if (++pad > 2) return false
    } else if (!/\s/.test(c)) {
      return false
    }
  }
  return pad > 0 ? (count + pad) % 4 === 0 : count % 4 !== 1
}

const DECODERS: Readonly<Record<string, (s: string) => Uint8Array | null>> = {
  hex: (s) => (HEX.test(s) ? new Uint8Array(Buffer.from(s.length % 2 === 1 ? `0${s}` : s, 'hex')) : null),
  'utf-8': (s) => new Uint8Array(Buffer.from(s, 'utf8')),
  utf8: (s) => new Uint8Array(Buffer.from(s, 'utf8')),
  base64: (s) => (isValidBase64(s) ? new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'base64')) : null),
}

function toBinary(name: string, tryMode: boolean): ScalarFunctionDef {
  return scalar(name, [1, 2], ([s, f]) => {
    const given = f === undefined ? 'hex' : requireFoldable(name, 1, f)
    const text = implicitCast(name, 0, s, t.string())
    if (given === null)
      return {
        type: t.binary(),
        args: [text],
        nullable: true,
        impl: { kind: 'template', code: () => 'null', nullSafe: true },
      }
    const format = String(given).toLowerCase()
    const decode = DECODERS[format]
    if (decode === undefined) {
      throw new SluiceError(
        'DATATYPE_MISMATCH',
        `[DATATYPE_MISMATCH.INVALID_ARG_VALUE] \`${name}\`: the format '${String(given)}' must be one of 'hex', 'utf-8', 'utf8', 'base64'.`,
      )
    }
    const fn = (v: string, site: string) => {
      const out = decode(v)
      if (out !== null || tryMode) return out
      throw new SluiceError(
        'CAST_INVALID_INPUT',
        `[CONVERSION_INVALID_INPUT] The value '${v}' cannot be converted to BINARY with format '${format}' in \`${site}\`; use try_to_binary to get NULL instead.`,
      )
    }
    return {
      type: t.binary(),
      args: [text],
      nullable: tryMode || text.nullable,
      impl: { kind: 'fn', fn, withSite: true },
    }
  })
}

export const TO_BINARY_FUNCTIONS: readonly ScalarFunctionDef[] = [
  toBinary('to_binary', false),
  toBinary('try_to_binary', true),
]
