/** Conditional, struct, array and map functions. */
import { SluiceError, typeMismatch } from '../errors.ts'
import { field, isNumeric, simpleString, structOf, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { adoptElementType, castTo, coerceAll, commonType, widerNumeric } from './coercion.ts'
import { argTypeError, implicitCast, requireFoldable, requireSameDecimal, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { valuesEqual } from './values.ts'

function coalesce(name: string, arity: readonly [number, number]): ScalarFunctionDef {
  return scalar(name, arity, (args) => {
    const { type, args: cast } = coerceAll(args, name)
    // Evaluated lazily by the compiler under the name 'coalesce'.
    return { type, args: cast, impl: { kind: 'fn', fn: () => null }, nullable: cast.every((a) => a.nullable) }
  })
}

// Spark 4 (ANSI on): size(NULL) is NULL, not the legacy -1.
function sizeOf(a: BoundExpr): ReturnType<ScalarFunctionDef['bind']> {
  if (a.type.kind === 'array')
    return { type: t.int(), impl: { kind: 'template', code: ([x]) => `${x}.length` } }
  if (a.type.kind === 'map') return { type: t.int(), impl: { kind: 'template', code: ([x]) => `${x}.size` } }
  throw argTypeError('size', 0, a, 'array or map')
}

function elementAt(name: 'element_at' | 'subscript', zeroBased: boolean): ScalarFunctionDef {
  return scalar(name, [2, 2], ([c, k]) => {
    if (c.type.kind === 'array') {
      const idx = implicitCast(name, 1, k, t.int())
      const fn = (arr: unknown[], i: number, site: string): unknown => {
        if (zeroBased) {
          // ANSI: arr[i] out of bounds is an error (map[key] for a missing key is NULL, as in Spark 4).
          if (i >= 0 && i < arr.length) return arr[i]
          throw new SluiceError(
            'INVALID_ARGUMENT',
            `The index ${i} is out of bounds: the array has ${arr.length} elements (\`${site}\`). Use try_element_at (1-based) to get NULL instead.`,
          )
        }
        if (i === 0)
          throw new SluiceError(
            'INVALID_ARGUMENT',
            `element_at: SQL array indices start at 1, got 0 in \`${site}\`.`,
          )
        const j = i > 0 ? i - 1 : arr.length + i
        if (j < 0 || j >= arr.length) {
          throw new SluiceError(
            'INVALID_ARGUMENT',
            `The index ${i} is out of bounds: the array has ${arr.length} elements (\`${site}\`). Use try_element_at to get NULL instead.`,
          )
        }
        return arr[j]
      }
      return {
        type: c.type.element,
        nullable: true,
        args: [c, idx],
        impl: { kind: 'fn', fn, withSite: true },
      }
    }
    if (c.type.kind === 'map') {
      requireSameDecimal(name, c.type.key, k)
      const key = implicitCast(name, 1, k, c.type.key)
      const fn = (m: Map<unknown, unknown>, key: unknown) => {
        const v = m.get(key)
        if (v !== undefined || typeof key !== 'object') return v ?? null
        for (const [mk, mv] of m) if (valuesEqual(mk, key)) return mv
        return null
      }
      return { type: c.type.value, nullable: true, args: [c, key], impl: { kind: 'fn', fn } }
    }
    throw argTypeError(name, 0, c, 'array or map')
  })
}

function struct(name: 'struct' | 'named_struct'): ScalarFunctionDef {
  return scalar(name, [name === 'struct' ? 1 : 2, Number.POSITIVE_INFINITY], (args) => {
    const names: string[] = []
    const values: BoundExpr[] = []
    if (name === 'named_struct') {
      if (args.length % 2 !== 0) throw typeMismatch('named_struct expects name/value pairs.')
      for (let i = 0; i < args.length; i += 2) {
        names.push(String(requireFoldable(name, i, args[i])))
        values.push(args[i + 1])
      }
    } else {
      args.forEach((a, i) => {
        names.push(a.kind === 'ref' || a.kind === 'field' || a.kind === 'lambdaVar' ? a.name : `col${i + 1}`)
        values.push(a)
      })
    }
    const type = structOf(values.map((v, i) => field(names[i], v.type, v.nullable)))
    const code = (xs: readonly string[]) =>
      `{ ${xs.map((x, i) => `${JSON.stringify(names[i])}: ${x}`).join(', ')} }`
    return { type, args: values, nullable: false, impl: { kind: 'template', code, nullSafe: true } }
  })
}

function getField(): ScalarFunctionDef {
  return scalar('get_field', [2, 2], ([s, n]) => {
    const name = String(requireFoldable('get_field', 1, n))
    if (s.type.kind !== 'struct') throw argTypeError('get_field', 0, s, 'struct')
    const f = s.type.fields.find((x) => x.name === name)
    if (f === undefined) {
      throw new SluiceError(
        'COLUMN_NOT_FOUND',
        `No field \`${name}\` in ${simpleString(s.type)}. Fields: ${s.type.fields.map((x) => x.name).join(', ')}.`,
      )
    }
    return {
      type: f.type,
      args: [s],
      nullable: s.nullable || f.nullable,
      impl: { kind: 'template', code: ([x]) => `${x}[${JSON.stringify(name)}]` },
    }
  })
}

function arrayOf(): ScalarFunctionDef {
  return scalar('array', [0, Number.POSITIVE_INFINITY], (args) => {
    // No arguments, or only NULLs: array<void> as in Spark, which takes on any array type.
    const { type, args: cast } = coerceAll(args, 'array')
    return {
      type: t.array(
        type,
        cast.some((a) => a.nullable),
      ),
      args: cast,
      nullable: false,
      impl: { kind: 'template', code: (xs) => `[${xs.join(', ')}]`, nullSafe: true },
    }
  })
}

function mapOf(): ScalarFunctionDef {
  return scalar('map', [0, Number.POSITIVE_INFINITY], (args) => {
    if (args.length % 2 !== 0) throw typeMismatch('map expects key/value pairs.')
    const keys = coerceAll(
      args.filter((_, i) => i % 2 === 0),
      'map keys',
    )
    const vals = coerceAll(
      args.filter((_, i) => i % 2 === 1),
      'map values',
    )
    const fn = (...kv: unknown[]) => {
      const m = new Map()
      for (let i = 0; i < kv.length; i += 2) {
        if (kv[i] === null) throw new SluiceError('INVALID_ARGUMENT', 'map: a map key cannot be NULL.')
        m.set(kv[i], kv[i + 1])
      }
      return m
    }
    const interleaved = keys.args.flatMap((k, i) => [k, vals.args[i]])
    return {
      type: t.map(keys.type, vals.type),
      args: interleaved,
      nullable: false,
      impl: { kind: 'fn', fn, nullSafe: true },
    }
  })
}

export const COLLECTION_FUNCTIONS: readonly ScalarFunctionDef[] = [
  coalesce('coalesce', [1, Number.POSITIVE_INFINITY]),
  coalesce('nvl', [2, 2]),
  coalesce('ifnull', [2, 2]),
  scalar('nullif', [2, 2], (args) => {
    const { type, args: cast } = coerceAll(args, 'nullif')
    return {
      type,
      args: cast,
      nullable: true,
      impl: {
        kind: 'fn',
        fn: (a: unknown, b: unknown) => (a !== null && b !== null && valuesEqual(a, b) ? null : a),
        nullSafe: true,
      },
    }
  }),
  scalar('nanvl', [2, 2], (args) => {
    const cast = args.map((a, i) => implicitCast('nanvl', i, a, t.double()))
    return {
      type: t.double(),
      args: cast,
      impl: {
        kind: 'fn',
        fn: (a: number | null, b: number | null) => (a !== null && Number.isNaN(a) ? b : a),
        nullSafe: true,
      },
    }
  }),
  scalar('size', [1, 1], ([a]) => sizeOf(a)),
  scalar('cardinality', [1, 1], ([a]) => sizeOf(a)),
  elementAt('element_at', false),
  elementAt('subscript', true),
  struct('struct'),
  struct('named_struct'),
  getField(),
  arrayOf(),
  mapOf(),
  scalar('array_contains', [2, 2], ([array, v]) => {
    const a = adoptElementType(array, v)
    if (a.type.kind !== 'array') throw argTypeError('array_contains', 0, a, 'array')
    // Numbers meet in their wider type: array_contains(array(1Y), 2) compares as int.
    const wider =
      isNumeric(a.type.element) && isNumeric(v.type)
        ? widerNumeric(a.type.element, v.type)
        : a.type.element.kind === 'decimal' || v.type.kind === 'decimal'
          ? commonType(a.type.element, v.type)
          : undefined
    const arr = wider === undefined ? a : castTo(a, t.array(wider, a.type.containsNull))
    const value = implicitCast('array_contains', 1, v, wider ?? a.type.element)
    const fn = (xs: unknown[], x: unknown) => {
      let sawNull = false
      for (const y of xs) {
        if (y === null) sawNull = true
        else if (valuesEqual(x, y)) return true
      }
      return sawNull ? null : false
    }
    return { type: t.boolean(), args: [arr, value], nullable: true, impl: { kind: 'fn', fn } }
  }),
]
