/** Sluice's public surface. Explicit named exports only; no logic here. */

export { Column, type ColumnOrValue } from './api/column.ts'
export { DataFrame } from './api/dataframe.ts'
export * from './api/functions.ts'
export { GroupedData } from './api/grouped-data.ts'
export type { Row } from './api/row-types.ts'
export { type ErrorCode, isSluiceError, SluiceError } from './errors.ts'
export { type Clock, ManualClock } from './io/clock.ts'
export {
  type ArrayType,
  type DataType,
  type InferRow,
  type MapType,
  type StructField,
  type StructType,
  simpleString,
  t,
} from './schema/data-type.ts'
export { treeString } from './schema/print-schema.ts'
export { schemaFromJson, schemaToJson, typeFromJson, typeToJson } from './schema/schema-json.ts'
export { Sluice, type SluiceConfig } from './session.ts'
