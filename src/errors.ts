/**
 * Every error Sluice raises is a SluiceError with a stable `code`, so callers can branch on the
 * code and the message can change. Errors are made through the factories below so a message always
 * names what is at fault and what to do about it.
 */
export type ErrorCode =
  | 'COLUMN_NOT_FOUND'
  | 'AMBIGUOUS_COLUMN'
  | 'DATATYPE_MISMATCH'
  | 'UNKNOWN_FUNCTION'
  | 'WRONG_NUM_ARGS'
  | 'AGGREGATE_IN_WHERE'
  | 'NOT_GROUPED'
  | 'NESTED_AGGREGATE'
  | 'INVALID_SCHEMA'
  | 'INVALID_ROW'
  | 'INVALID_ARGUMENT'
  | 'CAST_INVALID_INPUT'
  | 'CANNOT_PARSE_TIMESTAMP'
  | 'ARITHMETIC_OVERFLOW'
  | 'DIVIDE_BY_ZERO'
  | 'REMAINDER_BY_ZERO'
  | 'NULL_MAP_KEY'
  | 'DUPLICATED_MAP_KEY'
  | 'PARSE_ERROR'
  | 'MALFORMED_RECORD'
  | 'INVALID_OPTION'
  | 'SOURCE_UNAVAILABLE'
  | 'INVALID_INTERVAL'
  | 'INVALID_PATTERN'
  | 'UDF_FAILED'
  | 'UNSUPPORTED_OPERATION'
  | 'STREAMING_QUERY_FAILED'
  | 'CHECKPOINT_CORRUPT'
  | 'CHECKPOINT_VERSION_UNSUPPORTED'
  | 'CHECKPOINT_LOCKED'
  | 'CHECKPOINT_INCOMPATIBLE'
  | 'STATE_SCHEMA_INCOMPATIBLE'
  | 'PATH_NOT_FOUND'
  | 'PATH_ALREADY_EXISTS'
  | 'TOPIC_ALREADY_EXISTS'
  | 'TOPIC_NOT_FOUND'
  | 'SCHEMA_NOT_FOUND'
  | 'SCHEMA_INCOMPATIBLE'
  | 'SCHEMA_REGISTRY_ERROR'
  | 'STORAGE_ERROR'
  | 'SPARK_ERROR'
  | 'INTERNAL'
  | 'INVALID_OBSERVED_METRICS.MISSING_NAME'
  | 'INVALID_OBSERVED_METRICS.NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE'
  | 'INVALID_OBSERVED_METRICS.NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC'
  | 'INVALID_OBSERVED_METRICS.AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED'
  | 'INVALID_OBSERVED_METRICS.NESTED_AGGREGATES_UNSUPPORTED'
  | 'DUPLICATED_METRICS_NAME'
  | 'REUSE_OBSERVATION'
  | 'NO_OBSERVE_BEFORE_GET'
  | 'CANNOT_BE_EMPTY'
  | 'SINK_RETRIES_EXHAUSTED'
  | 'CANNOT_ASSIGN_EVENT_TIME_COLUMN_WITHOUT_WATERMARK'
  | 'EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED'
  | 'CAST_OVERFLOW'
  | 'BINARY_ARITHMETIC_OVERFLOW'
  | 'EXECUTOR_WORKER_FAILED'
  | 'USER_RAISED_EXCEPTION'
  | 'NUMERIC_VALUE_OUT_OF_RANGE'
  | 'FAILED_READ_FILE'
  | 'INVALID_FORMAT'

export class SluiceError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options)
    this.code = code
    this.name = 'SluiceError'
  }
}

/** True when `e` is a SluiceError, optionally with the given code. */
export function isSluiceError(e: unknown, code?: ErrorCode): e is SluiceError {
  return e instanceof SluiceError && (code === undefined || e.code === code)
}

export function columnNotFound(name: string, candidates: readonly string[], where: string): SluiceError {
  const close = suggest(name, candidates)
  const hint = close.length > 0 ? ` Did you mean one of: ${close.map((c) => `\`${c}\``).join(', ')}?` : ''
  return new SluiceError(
    'COLUMN_NOT_FOUND',
    `A column named \`${name}\` cannot be resolved in ${where}. Available columns: ${candidates
      .map((c) => `\`${c}\``)
      .join(', ')}.${hint}`,
  )
}

export function ambiguousColumn(name: string, where: string, qualifiers: readonly string[]): SluiceError {
  return new SluiceError(
    'AMBIGUOUS_COLUMN',
    `Column \`${name}\` is ambiguous in ${where}: it exists on more than one side (${qualifiers.join(', ')}). ` +
      'Qualify it, e.g. give each DataFrame an alias with df.alias("l") and use col("l.' +
      name +
      '"), or use df.col("' +
      name +
      '").',
  )
}

export function typeMismatch(message: string): SluiceError {
  return new SluiceError('DATATYPE_MISMATCH', message)
}

export function invalidArgument(message: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', message)
}

export function internalError(message: string): SluiceError {
  return new SluiceError('INTERNAL', `${message} This is a bug in Sluice; please report it.`)
}

/** Names from `candidates` within a small edit distance of `name`, closest first. */
export function suggest(name: string, candidates: readonly string[]): string[] {
  const lower = name.toLowerCase()
  return candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter(({ d, c }) => d <= Math.max(2, Math.floor(c.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ c }) => c)
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]
}
