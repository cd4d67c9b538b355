/**
 * `rand([seed])` (alias `random`) and `randn([seed])`, as Spark's: Spark's XORShiftRandom seeded with
 * `seed` (its partition index, 0 here, added), started again at every execution (each micro-batch,
 * each action), so a rerun batch draws the same values and a one-partition Spark DataFrame gives the
 * same numbers. Without a seed, one is drawn when the expression is analyzed (as Spark's
 * `Utils.random.nextLong`): fixed for a query's run, new at its next start.
 */
import { randomBytes } from 'node:crypto'
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { argTypeError, requireFoldable, scalar } from './define.ts'
import type { BindContext, ScalarFunctionDef } from './function-def.ts'
import { XorShiftRandom } from './xorshift-random.ts'

function seedOf(name: string, args: readonly BoundExpr[]): bigint {
  if (args.length === 0) return randomBytes(8).readBigInt64BE()
  const k = args[0].type.kind
  if (k !== 'int' && k !== 'long' && k !== 'short' && k !== 'byte' && k !== 'null')
    throw argTypeError(name, 0, args[0], 'an integer or long literal (the seed)')
  const v = requireFoldable(name, 0, args[0])
  // Spark: a NULL seed is 0.
  return v === null ? 0n : BigInt(v as number)
}

function randomFunction(name: string, draw: (rng: XorShiftRandom) => number): ScalarFunctionDef {
  return scalar(name, [0, 1], (args, ctx: BindContext) => {
    const seed = seedOf(name, args)
    let rng = new XorShiftRandom(seed)
    let run = ctx.runtime.runId
    const fn = () => {
      if (ctx.runtime.runId !== run) {
        run = ctx.runtime.runId
        rng = new XorShiftRandom(seed)
      }
      return draw(rng)
    }
    return {
      type: t.double(),
      impl: { kind: 'fn', fn, nullSafe: true },
      args: [],
      deterministic: false,
      nullable: false,
    }
  })
}

/** rand, random and randn. */
export const RANDOM_FUNCTIONS: readonly ScalarFunctionDef[] = [
  randomFunction('rand', (rng) => rng.nextDouble()),
  randomFunction('random', (rng) => rng.nextDouble()),
  randomFunction('randn', (rng) => rng.nextGaussian()),
]
