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

/** A unique key standing for a NULL struct in a nested lookup level (no field value equals it). */
const NULL_STRUCT = Object.freeze({ nullStruct: true })

/**
 * The levels of a nested lookup for a group key, when it has one: the fields of each struct key
 * (a window's start and end) and then at most one atomic key, each its own Map key (SameValueZero
 * groups -0.0 with 0.0 and NaN with NaN, as Spark). Adjacent rows mostly share their window, so the
 * caller remembers the inner map of the last struct fields and looks up only the atomic key: no key
 * string per row. Undefined when the key is one atomic value (it is its own Map key), has several
 * atomic keys, or a struct with a field that is not atomic: those build a string.
 *
 * @example groupLevelsCode(b, [windowType, longType], ['v2', 'v4']) // ["(v2 === null ? k3 : v2["start"])", ..., 'v4']
 */
export function groupLevelsCode(
  b: CodeBuilder,
  types: readonly DataType[],
  vars: readonly string[],
): string[] | undefined {
  const structs = types.filter((t) => t.kind === 'struct')
  const atomic = types.flatMap((t, i) => (t.kind === 'struct' ? [] : [i]))
  if (structs.length === 0 || atomic.length > 1 || atomic.some((i) => !isSelfKeyed(types[i])))
    return undefined
  const levels: string[] = []
  for (let i = 0; i < types.length; i++) {
    const t = types[i]
    if (t.kind !== 'struct') continue
    if (t.fields.length === 0 || !t.fields.every((f) => isSelfKeyed(f.type))) return undefined
    const nul = b.constant(NULL_STRUCT)
    for (const f of t.fields)
      levels.push(`(${vars[i]} === null ? ${nul} : ${vars[i]}[${JSON.stringify(f.name)}])`)
  }
  for (const i of atomic) levels.push(vars[i])
  return levels
}

function partCode(kp: string, t: DataType, v: string): string {
  if (t.kind === 'struct') {
    const fields = t.fields.map((f) => partCode(kp, f.type, `${v}[${JSON.stringify(f.name)}]`))
    return `(${v} === null ? 'z' : 'o{' + ${fields.join(' + ')})`
  }
  return `(typeof ${v} === 'number' ? 'n' + ${v} + ';' : ${kp}(${v}))`
}
