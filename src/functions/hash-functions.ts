/** hash(), digests and approx_count_distinct(), wired from functions/hash. */
import { type DataType, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { argTypeError, implicitCast, requireFoldable, scalar } from './define.ts'
import type { AggregateFunctionDef, FunctionDef } from './function-def.ts'
import { crc32, HyperLogLogPlusPlus, md5Hex, sha1Hex, sha2Hex, sparkHash } from './hash/index.ts'

function containsMap(type: DataType): boolean {
  if (type.kind === 'map') return true
  if (type.kind === 'array') return containsMap(type.element)
  if (type.kind === 'struct') return type.fields.some((f) => containsMap(f.type))
  return false
}

/** Strings and binary are digested as bytes (strings as UTF-8), as in Spark. */
const bytesArg = (name: string, a: BoundExpr): BoundExpr =>
  a.type.kind === 'binary' ? a : implicitCast(name, 0, a, t.string())

function digest(name: string, fn: (x: Uint8Array | string) => string | number, type: DataType): FunctionDef {
  return scalar(name, [1, 1], ([a]) => ({ type, args: [bytesArg(name, a)], impl: { kind: 'fn', fn } }))
}

const approxCountDistinct: AggregateFunctionDef = Object.freeze({
  kind: 'aggregate',
  name: 'approx_count_distinct',
  minArgs: 1,
  maxArgs: 2,
  bind(args: readonly BoundExpr[]) {
    const rsd = args.length > 1 ? Number(requireFoldable('approx_count_distinct', 1, args[1])) : 0.05
    new HyperLogLogPlusPlus(rsd) // validates rsd at analysis time, with a clear error
    const type = args[0].type
    return {
      type: t.long(),
      nullable: false,
      args: [args[0]],
      impl: {
        init: ['newHll()'],
        slotCodecs: ['hll'] as const,
        update: ([s]: readonly string[], [v]: readonly string[]) => `${s}.add(${v}, hllType)`,
        merge: ([a]: readonly string[], [b]: readonly string[]) => `${a}.merge(${b})`,
        finish: ([s]: readonly string[]) => `${s}.estimate()`,
        helpers: { newHll: () => new HyperLogLogPlusPlus(rsd), hllType: type },
      },
    }
  },
})

export const HASH_FUNCTIONS: readonly FunctionDef[] = [
  scalar('hash', [1, Number.POSITIVE_INFINITY], (args) => {
    args.forEach((a, i) => {
      // Spark rejects hashing maps (their entry order is not canonical) unless a legacy flag is set.
      if (containsMap(a.type))
        throw argTypeError('hash', i, a, 'a type without maps (maps cannot be hashed, as in Spark)')
    })
    const types = args.map((a) => a.type)
    const fn = (...values: unknown[]) => sparkHash(values, types)
    return { type: t.int(), nullable: false, impl: { kind: 'fn', fn, nullSafe: true } }
  }),
  digest('md5', md5Hex, t.string()),
  digest('sha1', sha1Hex, t.string()),
  digest('sha', sha1Hex, t.string()),
  digest('crc32', crc32, t.long()),
  scalar('sha2', [2, 2], ([a, bits]) => {
    // As in Spark, an unsupported bit length (not 0, 224, 256, 384 or 512) gives NULL.
    const n = Number(requireFoldable('sha2', 1, bits))
    const fn = (x: Uint8Array | string) => sha2Hex(x, n)
    return { type: t.string(), args: [bytesArg('sha2', a)], nullable: true, impl: { kind: 'fn', fn } }
  }),
  approxCountDistinct,
]
