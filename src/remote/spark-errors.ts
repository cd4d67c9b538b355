/**
 * Spark's errors as SluiceErrors. Spark Connect sends a failed call's error class in the message
 * (`[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column ...`); the error keeps that class and Spark's SQLSTATE,
 * and takes Sluice's code where Sluice has the same error, so `isSluiceError(e, 'COLUMN_NOT_FOUND')`
 * holds for the same mistake embedded and remote.
 */
import type { ServiceError } from '@grpc/grpc-js'
import { type ErrorCode, SluiceError } from '../errors.ts'

/** Spark error class (up to the first dot) -> Sluice's code for the same error. */
const SAME_AS: Readonly<Record<string, ErrorCode>> = Object.freeze({
  UNRESOLVED_COLUMN: 'COLUMN_NOT_FOUND',
  UNRESOLVED_FIELD: 'COLUMN_NOT_FOUND',
  AMBIGUOUS_REFERENCE: 'AMBIGUOUS_COLUMN',
  UNRESOLVED_ROUTINE: 'UNKNOWN_FUNCTION',
  DATATYPE_MISMATCH: 'DATATYPE_MISMATCH',
  WRONG_NUM_ARGS: 'WRONG_NUM_ARGS',
  CAST_INVALID_INPUT: 'CAST_INVALID_INPUT',
  CAST_OVERFLOW: 'CAST_OVERFLOW',
  BINARY_ARITHMETIC_OVERFLOW: 'BINARY_ARITHMETIC_OVERFLOW',
  ARITHMETIC_OVERFLOW: 'ARITHMETIC_OVERFLOW',
  DIVIDE_BY_ZERO: 'DIVIDE_BY_ZERO',
  REMAINDER_BY_ZERO: 'REMAINDER_BY_ZERO',
  PARSE_SYNTAX_ERROR: 'PARSE_ERROR',
  PATH_NOT_FOUND: 'PATH_NOT_FOUND',
  PATH_ALREADY_EXISTS: 'PATH_ALREADY_EXISTS',
  MISSING_AGGREGATION: 'NOT_GROUPED',
  MISSING_GROUP_BY: 'NOT_GROUPED',
  NESTED_AGGREGATE_FUNCTION: 'NESTED_AGGREGATE',
  INVALID_WHERE_CONDITION: 'AGGREGATE_IN_WHERE',
})

/** A Spark error that came back over Spark Connect. */
export class SparkConnectError extends SluiceError {
  /** Spark's error class, e.g. `UNRESOLVED_COLUMN.WITH_SUGGESTION` (undefined when Spark sent none). */
  readonly errorClass: string | undefined
  /** Spark's SQLSTATE when it sent one, e.g. `42703`. */
  readonly sqlState: string | undefined

  constructor(code: ErrorCode, message: string, errorClass: string | undefined, sqlState?: string) {
    super(code, message)
    this.errorClass = errorClass
    this.sqlState = sqlState
  }
}

// What grpc-js and OpenSSL say when a TLS handshake fails (an unknown CA, a wrong host name, a
// plaintext server answering a TLS hello).
const TLS_FAILURE = /certificate|ssl|tls|handshake|wrong version number|alpn/i

/** The SluiceError for a failed gRPC call to the server at `where` (a redacted URL). */
export function sparkError(e: ServiceError, where: string): SluiceError {
  // 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED: no answer from the server at all.
  if ((e.code === 14 || e.code === 4) && TLS_FAILURE.test(e.details))
    return new SluiceError(
      'SOURCE_UNAVAILABLE',
      `The TLS connection to the Spark Connect server at ${where} failed (${e.details}). ` +
        "For a server with a private certificate authority, give it: Sluice.remote(url, { tls: { ca: readFileSync('ca.pem') } }); " +
        'for a server without TLS, use_ssl=false in the URL (a token in the URL turns TLS on).',
    )
  if (e.code === 14 || e.code === 4)
    return new SluiceError(
      'SOURCE_UNAVAILABLE',
      `The Spark Connect server at ${where} did not answer (${e.details}). Is it running? ` +
        'For a local one: npm run spark:start.',
    )
  const text = e.details || e.message
  const m = /^\[([A-Z0-9_]+(?:\.[A-Z0-9_]+)*)\]\s*/.exec(text)
  const errorClass = m?.[1] ?? metadataValue(e, 'errorclass')
  const sqlState = /SQLSTATE: (\w+)/.exec(text)?.[1]
  const code = (errorClass && SAME_AS[errorClass.split('.')[0]]) || 'SPARK_ERROR'
  const body = m ? text.slice(m[0].length) : text
  return new SparkConnectError(
    code,
    `Spark${errorClass ? ` [${errorClass}]` : ''}: ${body}`,
    errorClass,
    sqlState,
  )
}

function metadataValue(e: ServiceError, key: string): string | undefined {
  const v = e.metadata?.get(key)?.[0]
  return typeof v === 'string' ? v : undefined
}
