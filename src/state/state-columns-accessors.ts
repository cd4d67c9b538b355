/**
 * Generated accessors for the columnar state codec (state-columns-codec.ts): reading one field of
 * many rows, and making arrays and objects of a known shape, each as one small function compiled
 * per field name, arity or field list — named property loads and object literals, several times
 * faster than keyed loads and stores, and one hidden class per shape (as msgpackr's records).
 *
 * NOTE: every name is quoted with JSON.stringify before it goes into code, so no field name read
 * from a file can break out of the literal it is written into.
 */

/** Makes row i of some columns into a value. */
export type RowMaker<T> = (cols: readonly unknown[][], i: number) => T

const fieldColumns = new Map<string, (rows: readonly unknown[]) => unknown[]>()

/**
 * A function taking field `name` of every row: generated per name, so the load is a named property
 * access (monomorphic on one shape) rather than a keyed one, several times faster.
 */
export function fieldColumn(name: string): (rows: readonly unknown[]) => unknown[] {
  let f = fieldColumns.get(name)
  if (f === undefined) {
    // JSON.stringify quotes the name, so no field name can break out of the code.
    f = new Function(
      'rows',
      `const col = new Array(rows.length); for (let i = 0; i < rows.length; i++) col[i] = rows[i][${JSON.stringify(name)}]; return col`,
    ) as (rows: readonly unknown[]) => unknown[]
    if (fieldColumns.size < 1024) fieldColumns.set(name, f)
  }
  return f
}

const arrayMakers: RowMaker<unknown[]>[] = []

/** A function making an array of `n` elements from row i of their columns (an array literal). */
export function arrayMaker(n: number): RowMaker<unknown[]> {
  let f = arrayMakers[n]
  if (f === undefined) {
    const elements = Array.from({ length: n }, (_, j) => `c[${j}][i]`)
    f = new Function('c', 'i', `return [${elements.join(', ')}]`) as (
      cols: readonly unknown[][],
      i: number,
    ) => unknown[]
    if (n < 64) arrayMakers[n] = f
  }
  return f
}

const objectMakers = new Map<string, RowMaker<Record<string, unknown>>>()

/** `objectMaker(names)`, compiled once per field list. @example cachedObjectMaker(['start', 'end'])([[0], [10]], 0) */
export function cachedObjectMaker(names: readonly string[]): RowMaker<Record<string, unknown>> {
  const sig = JSON.stringify(names)
  let f = objectMakers.get(sig)
  if (f === undefined) {
    f = objectMaker(names)
    if (objectMakers.size < 1024) objectMakers.set(sig, f)
  }
  return f
}

/**
 * A function making an object with fields `names` from row i of their columns: one object
 * literal, so every object of a shape gets one hidden class (as msgpackr's records do).
 */
function objectMaker(names: readonly string[]): RowMaker<Record<string, unknown>> {
  if (names.includes('__proto__')) {
    // A literal `__proto__:` would set the prototype; define the fields one by one instead.
    return (cols, i) => {
      const o: Record<string, unknown> = {}
      names.forEach((name, j) => {
        Object.defineProperty(o, name, {
          value: cols[j][i],
          enumerable: true,
          writable: true,
          configurable: true,
        })
      })
      return o
    }
  }
  // JSON.stringify quotes each name, so no field name from a file can break out of the literal.
  const fields = names.map((name, j) => `${JSON.stringify(name)}: c[${j}][i]`)
  return new Function('c', 'i', `return { ${fields.join(', ')} }`) as (
    cols: readonly unknown[][],
    i: number,
  ) => Record<string, unknown>
}
