/**
 * Binds the generators that add rows of several columns — `inline`, `inline_outer`, `stack`,
 * `json_tuple` — into one expression yielding an array of structs (functions/generator-rows.ts);
 * the Generate node then emits one row per struct, as for explode.
 */
import { SluiceError } from '../errors.ts'
import { bindInline, bindJsonTuple, bindStack, type RowGenerator } from '../functions/generator-rows.ts'
import type { Expr } from '../plan/expr.ts'
import type { Attribute } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'

/** The generator names handled here. */
export const ROW_GENERATORS: ReadonlySet<string> = new Set(['inline', 'inline_outer', 'stack', 'json_tuple'])

/** The bound generator of `call` (one of ROW_GENERATORS) over `input`. */
export function bindRowGenerator(
  analyzer: Analyzer,
  call: Extract<Expr, { kind: 'call' }>,
  input: readonly Attribute[],
): RowGenerator {
  const args = call.args.map((a) => analyzer.bind(a, input, 'Generate'))
  switch (call.name) {
    case 'inline':
    case 'inline_outer':
      if (args.length !== 1) {
        throw new SluiceError(
          'WRONG_NUM_ARGS',
          `\`${call.name}\` takes 1 argument (an array of structs), got ${args.length}.`,
        )
      }
      return bindInline(call.name, args[0])
    case 'stack':
      return bindStack(args)
    default:
      return bindJsonTuple(args)
  }
}
