/**
 * `format('socket')`: options as Spark's `TextSocketSourceProvider` — `host` and `port` (required),
 * `includeTimestamp` (default false: adds a `timestamp` column, the line's arrival time),
 * `numPartitions` (default 1, > 0). Not fault-tolerant: see SocketSource.
 */
import { SluiceError } from '../../errors.ts'
import { field, type StructType, structOf, t } from '../../schema/data-type.ts'
import { readOptions, userSchemaNotSupported } from '../connector-options.ts'
import type { SourceProvider } from '../spi.ts'
import { type SocketOptions, SocketSource } from './socket-source.ts'

const VALUE_SCHEMA: StructType = structOf([field('value', t.string())])
const VALUE_TIMESTAMP_SCHEMA: StructType = structOf([
  field('value', t.string()),
  field('timestamp', t.timestamp()),
])

const KNOWN = ['host', 'port', 'includeTimestamp', 'numPartitions']
const BOOLEAN_RE = /^(true|false)$/i

/**
 * Validates the socket source's options.
 *
 * @example
 * parseSocketOptions({ host: 'localhost', port: '9999' }).includeTimestamp // false
 */
export function parseSocketOptions(options: Readonly<Record<string, string>>): SocketOptions {
  const o = readOptions('socket source', options, KNOWN)
  const host = o.get('host')
  if (host === undefined || host === '') {
    throw new SluiceError('INVALID_OPTION', 'Set a host to read from with option("host", ...).')
  }
  if (o.get('port') === undefined) {
    throw new SluiceError('INVALID_OPTION', 'Set a port to read from with option("port", ...).')
  }
  const port = o.int('port', -1)
  if (port < 1 || port > 65535) throw o.invalid('port', 'it must be a TCP port, 1 to 65535')
  if (!BOOLEAN_RE.test(o.get('includeTimestamp') ?? 'false')) {
    throw new SluiceError(
      'INVALID_OPTION',
      `includeTimestamp must be set to either "true" or "false", got '${o.get('includeTimestamp')}'.`,
    )
  }
  const includeTimestamp = o.boolean('includeTimestamp', false)
  const numPartitions = o.int('numPartitions', 1)
  if (numPartitions <= 0) throw o.invalid('numPartitions', 'it must be positive')
  return { host, port, includeTimestamp, numPartitions }
}

/**
 * The `socket` source provider.
 *
 * @example
 * const schema = socketSourceProvider.schema({ host: 'localhost', port: '9999' }, undefined) // value STRING
 */
export const socketSourceProvider: SourceProvider = Object.freeze({
  name: 'socket',
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    if (userSchema !== undefined) throw userSchemaNotSupported('socket')
    return parseSocketOptions(options).includeTimestamp ? VALUE_TIMESTAMP_SCHEMA : VALUE_SCHEMA
  },
  validate(options: Readonly<Record<string, string>>): void {
    parseSocketOptions(options)
  },
  createSource(ctx, _schema) {
    return new SocketSource(ctx, parseSocketOptions(ctx.options))
  },
} satisfies SourceProvider)
