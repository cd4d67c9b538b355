/** Contexts for driving connectors without a runtime: a hand-moved clock, captured output, a table map. */
import type { ConnectorContext, SinkContext, TableRegistry } from '../../../src/connectors/spi.ts'
import { valueToString } from '../../../src/functions/cast.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { type StructType, t } from '../../../src/schema/data-type.ts'

export interface FakeTables extends TableRegistry {
  readonly schemas: Map<string, StructType>
  rows(name: string): readonly (readonly unknown[])[]
}

/** A table registry that records what the memory sink publishes. */
export function fakeTables(): FakeTables {
  const getters = new Map<string, () => readonly (readonly unknown[])[]>()
  const schemas = new Map<string, StructType>()
  return {
    schemas,
    register(name, schema, rows) {
      schemas.set(name, schema)
      getters.set(name, rows)
    },
    rows(name) {
      const get = getters.get(name)
      if (get === undefined) throw new Error(`no table ${name}`)
      return get()
    },
  }
}

/** A source context on a manual clock. */
export function sourceContext(options: Record<string, string>, clock = new ManualClock(0)): ConnectorContext {
  return { options, now: () => clock.now() }
}

export interface FakeSinkContext extends SinkContext {
  readonly printed: string[]
  readonly tables: FakeTables
}

/** A sink context that captures printed text and renders cells in UTC. */
export function sinkContext(
  options: Record<string, string> = {},
  queryName?: string,
  schema: StructType = t.struct({}),
): FakeSinkContext {
  const printed: string[] = []
  return {
    options,
    queryName,
    schema,
    now: () => 0,
    tables: fakeTables(),
    printed,
    print: (text) => {
      printed.push(text)
    },
    renderCells(schema) {
      const fns = schema.fields.map((f) => valueToString(f.type, 'UTC'))
      return (row) => row.map((v, i) => (v === null ? null : fns[i](v)))
    },
  }
}
