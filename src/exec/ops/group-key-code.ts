/**
 * The generated expression of a group's key in a hash aggregation's per-batch map: one key of an
 * atomic type is its own Map key; several keys (or a struct key such as a window) become one string
 * built inline from the key variables — `compositeKey`'s encoding without its array, its calls and
 * its per-part template strings, which cost more than the rest of the row in a windowed count.
 *
 * The string only has to tell groups apart within one batch's map (it is never stored), so its
 * parts need only be self-delimiting: a number is `n<n>;` (-0 prints as 0, NaN as NaN, as
 * `keyPart`), a struct `o{` and its fields in schema order, anything else `keyPart`'s encoding.
 */
import { compositeKey, isSelfKeyed, keyPart } from '../../functions/values.ts'
import type { DataType } from '../../schema/data-type.ts'
import type { CodeBuilder } from '../expr/code-builder.ts'

/**
 * The JavaScript expression of the group key of variables `vars` with types `types`.
 *
 * @example groupKeyCode(b, [windowType, longType], ['v2', 'v4']) // "('o{' + ...) + (typeof v4 === ...)"
 */
export function groupKeyCode(b: CodeBuilder, types: readonly DataType[], vars: readonly string[]): string {
  if (vars.length === 0) return '0'
  if (vars.length === 1 && isSelfKeyed(types[0])) return vars[0]
  if (types.some((t) => !inlinable(t, 0))) return `${b.constant(compositeKey)}([${vars.join(', ')}])`
  const kp = b.constant(keyPart)
  return types.map((t, i) => partCode(kp, t, vars[i])).join(' + ')
}

/** Whether a type's part is built inline: atomic, or a struct of such (two levels deep at most). */
function inlinable(t: DataType, depth: number): boolean {
  if (t.kind === 'struct') return depth < 2 && t.fields.every((f) => inlinable(f.type, depth + 1))
  return isSelfKeyed(t)
}

function partCode(kp: string, t: DataType, v: string): string {
  if (t.kind === 'struct') {
    const fields = t.fields.map((f) => partCode(kp, f.type, `${v}[${JSON.stringify(f.name)}]`))
    return `(${v} === null ? 'z' : 'o{' + ${fields.join(' + ')})`
  }
  return `(typeof ${v} === 'number' ? 'n' + ${v} + ';' : ${kp}(${v}))`
}
