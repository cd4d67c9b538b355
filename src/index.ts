/** Sluice's public surface. Explicit named exports only; no logic here. */

export * from './api/collection-functions.ts'
export { Column, type ColumnOrValue } from './api/column.ts'
export { DataFrameReader } from './api/data-frame-reader.ts'
export { DataStreamReader } from './api/data-stream-reader.ts'
export { DataStreamWriter, type ForeachWriter, type OutputMode } from './api/data-stream-writer.ts'
export { DataFrame } from './api/dataframe.ts'
export * from './api/functions.ts'
export { GroupedData } from './api/grouped-data.ts'
export { type GroupsWithStateOptions, KeyValueGroupedData } from './api/key-value-grouped-data.ts'
export * from './api/library-functions.ts'
export { MemoryStreamInput } from './api/memory-stream.ts'
export { Observation } from './api/observation.ts'
export type { Row } from './api/row-types.ts'
export * from './api/text-functions.ts'
export { type ErrorCode, isSluiceError, SluiceError } from './errors.ts'
export { type Clock, ManualClock } from './io/clock.ts'
export {
  type FlatMapGroupsFn,
  type GroupState,
  type GroupStateOutputMode,
  GroupStateTimeout,
  type MapGroupsFn,
} from './plan/group-state.ts'
export type {
  ExpiredTimerInfo,
  ListState,
  MapState,
  StatefulProcessor,
  StatefulProcessorHandle,
  TimeMode,
  TimerValues,
  TTLConfig,
  ValueState,
} from './plan/stateful-processor.ts'
export type { RemoteTlsOptions } from './remote/connect-client.ts'
export { RemoteDataFrame, RemoteGroupedData } from './remote/remote-data-frame.ts'
export { RemoteDataFrameWriter } from './remote/remote-data-frame-writer.ts'
export { RemoteDataFrameReader } from './remote/remote-reader.ts'
export { type RemoteConfig, RemoteSluice } from './remote/remote-session.ts'
export { RemoteDataStreamWriter, type RemoteOutputMode } from './remote/remote-stream-writer.ts'
export { RemoteStreamingQuery } from './remote/remote-streaming-query.ts'
export { RemoteStreamingQueryManager } from './remote/remote-streams.ts'
export { SparkConnectError } from './remote/spark-errors.ts'
export {
  progressToJson,
  type SinkProgress,
  type SourceProgress,
  type StateOperatorProgress,
  type StreamingQueryProgress,
} from './runtime/progress.ts'
export {
  type QueryIdleEvent,
  type QueryProgressEvent,
  type QueryStartedEvent,
  type QueryTerminatedEvent,
  type StreamingQueryListener,
  StreamingQueryManager,
} from './runtime/query-manager.ts'
export { StreamingQuery, type StreamingQueryStatus } from './runtime/streaming-query.ts'
export type { TriggerOptions } from './runtime/trigger.ts'
export {
  type ArrayType,
  type DataType,
  type DecimalType,
  type InferInputRow,
  type InferRow,
  type InferValue,
  type MapType,
  type StructField,
  type StructType,
  simpleString,
  t,
} from './schema/data-type.ts'
export { treeString } from './schema/print-schema.ts'
export { schemaFromJson, schemaToJson, typeFromJson, typeToJson } from './schema/schema-json.ts'
export { Sluice, type SluiceConfig } from './session.ts'
export type { ObservabilityConfig } from './ui/observability.ts'
export { QueryHistory, type QueryRun, type QueryRunStatus } from './ui/query-history.ts'
export { StreamingMetrics } from './ui/streaming-metrics.ts'
export type { UiServer } from './ui/ui-server.ts'
