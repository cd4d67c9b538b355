import type { DataType, StructType } from './data-type.ts'
import { typeName } from './schema-json.ts'

/**
 * The tree string Spark's `printSchema()` prints:
 *
 *   root
 *    |-- id: long (nullable = false)
 *    |-- tags: array (nullable = true)
 *    |    |-- element: string (containsNull = true)
 */
export function treeString(schema: StructType): string {
  const lines = ['root']
  for (const f of schema.fields) node(lines, ' |', f.name, f.type, `(nullable = ${f.nullable})`)
  return `${lines.join('\n')}\n`
}

function node(lines: string[], prefix: string, name: string, type: DataType, suffix: string): void {
  lines.push(`${prefix}-- ${name}: ${typeName(type)}${suffix === '' ? '' : ` ${suffix}`}`)
  const inner = `${prefix}    |`
  switch (type.kind) {
    case 'array':
      node(lines, inner, 'element', type.element, `(containsNull = ${type.containsNull})`)
      break
    case 'map':
      node(lines, inner, 'key', type.key, '')
      node(lines, inner, 'value', type.value, `(valueContainsNull = ${type.valueContainsNull})`)
      break
    case 'struct':
      for (const f of type.fields) node(lines, inner, f.name, f.type, `(nullable = ${f.nullable})`)
      break
  }
}
