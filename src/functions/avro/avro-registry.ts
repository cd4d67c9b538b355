/**
 * from_avro and to_avro with a schema registry (Confluent's REST API), as Confluent's Kafka Avro
 * serializers and Databricks' `from_avro(..., subject, schemaRegistryAddress)` do. Options, beside
 * the plain ones (avro-options.ts), keys matched ignoring case:
 *
 * - `schema.registry.url` (turns the registry on): e.g. `http://localhost:8081`, or Apicurio's
 *   `http://host:8080/apis/ccompat/v7`.
 * - `subject`, or `topic` with `subject.name.strategy` (TopicNameStrategy, the default:
 *   `<topic>-value`, or `-key` with `isKey` true; RecordNameStrategy: the record's full name;
 *   TopicRecordNameStrategy: `<topic>-<record full name>`).
 * - from_avro: `version` (`latest`, the default, or a number) of the subject gives the reader
 *   schema, unless a schema argument or `avroSchema` gives it. Every value carries the Confluent
 *   header; its schema id names the writer schema, fetched once per id and resolved into the reader
 *   schema (Avro schema evolution). A writer schema the reader cannot read is SCHEMA_INCOMPATIBLE.
 * - to_avro: `auto.register.schemas` (default true: register the schema under the subject, which
 *   the subject's compatibility rule may refuse: SCHEMA_INCOMPATIBLE; false: it must be registered
 *   already) or `use.latest.version` (write with the subject's latest schema); each value gets the
 *   Confluent header with the schema's id.
 */
import { SluiceError } from '../../errors.ts'
import type { DataType } from '../../schema/data-type.ts'
import type { FromAvroOptions } from './avro-options.ts'
import { type CompiledFromAvro, compileFromAvro } from './from-avro.ts'
import {
  parseSubjectNameStrategy,
  SchemaRegistryClient,
  type SubjectNameStrategy,
  subjectNameOf,
} from './schema-registry-client.ts'
import { sluiceToAvroSchema } from './sluice-to-avro-schema.ts'
import { type CompiledToAvro, compileToAvro } from './to-avro.ts'

/** The registry options of one from_avro/to_avro call. */
export interface AvroRegistryOptions {
  readonly url: string
  readonly subject?: string
  readonly topic?: string
  readonly isKey: boolean
  readonly strategy: SubjectNameStrategy
  readonly version: number | 'latest'
  readonly autoRegister: boolean
  readonly useLatestVersion: boolean
}

const REGISTRY_KEYS = [
  'schema.registry.url',
  'subject',
  'topic',
  'isKey',
  'subject.name.strategy',
  'version',
  'auto.register.schemas',
  'use.latest.version',
] as const

function flag(fn: string, key: string, raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined) return dflt
  const lower = raw.trim().toLowerCase()
  if (lower === 'true' || lower === 'false') return lower === 'true'
  throw new SluiceError('INVALID_OPTION', `${fn}: option ${key} must be true or false, not '${raw}'.`)
}

function versionOf(fn: string, raw: string | undefined): number | 'latest' {
  if (raw === undefined || raw.trim().toLowerCase() === 'latest') return 'latest'
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (Number.isSafeInteger(n) && n >= 1) return n
  throw new SluiceError(
    'INVALID_OPTION',
    `${fn}: option version must be 'latest' or a version number >= 1, not '${raw}'.`,
  )
}

/**
 * Splits the registry options off `raw`: `registry` is undefined when `schema.registry.url` is not
 * set (and then no registry key may be).
 *
 * @example
 * splitRegistryOptions('from_avro', { 'schema.registry.url': 'http://r:8081', subject: 's', mode: 'PERMISSIVE' })
 * // { registry: { url: 'http://r:8081', subject: 's', ... }, rest: { mode: 'PERMISSIVE' } }
 */
export function splitRegistryOptions(
  fn: string,
  raw: Readonly<Record<string, string>>,
): { registry: AvroRegistryOptions | undefined; rest: Record<string, string> } {
  const mine: Record<string, string> = {}
  const rest: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    const k = REGISTRY_KEYS.find((n) => n.toLowerCase() === key.toLowerCase())
    if (k === undefined) rest[key] = value
    else mine[k] = String(value)
  }
  const url = mine['schema.registry.url']
  if (url === undefined) {
    const stray = Object.keys(mine)[0]
    if (stray === undefined) return { registry: undefined, rest }
    throw new SluiceError(
      'INVALID_OPTION',
      `${fn}: option ${stray} applies to a schema registry only; also set option schema.registry.url.`,
    )
  }
  const strategy = mine['subject.name.strategy']
  const registry: AvroRegistryOptions = {
    url,
    subject: mine.subject,
    topic: mine.topic,
    isKey: flag(fn, 'isKey', mine.isKey, false),
    strategy: strategy === undefined ? 'TopicNameStrategy' : parseSubjectNameStrategy(strategy, fn),
    version: versionOf(fn, mine.version),
    autoRegister: flag(fn, 'auto.register.schemas', mine['auto.register.schemas'], true),
    useLatestVersion: flag(fn, 'use.latest.version', mine['use.latest.version'], false),
  }
  return { registry: Object.freeze(registry), rest }
}

/** The full name of a record schema (namespace.name), or undefined for other schemas. */
function recordNameOf(json: unknown): string | undefined {
  const s = json as { type?: unknown; name?: unknown; namespace?: unknown } | null
  if (s === null || typeof s !== 'object' || s.type !== 'record' || typeof s.name !== 'string')
    return undefined
  if (s.name.includes('.') || typeof s.namespace !== 'string' || s.namespace === '') return s.name
  return `${s.namespace}.${s.name}`
}

function subjectOf(fn: string, r: AvroRegistryOptions, schema: string | undefined): string | undefined {
  if (r.subject !== undefined) return r.subject
  if (r.topic === undefined && r.strategy === 'TopicNameStrategy') return undefined
  const recordName = schema === undefined ? undefined : recordNameOf(JSON.parse(schema))
  return subjectNameOf(r.strategy, { topic: r.topic, recordName, isKey: r.isKey, fn })
}

/**
 * from_avro over a registry: the reader schema from `schema`, option `avroSchema` or the subject;
 * each value's writer schema from the id in its Confluent header.
 *
 * @example
 * const { type, decode } = compileFromAvroWithRegistry(undefined, { url, subject: 'orders-value', ... }, {})
 */
export function compileFromAvroWithRegistry(
  schema: string | undefined,
  registry: AvroRegistryOptions,
  options: FromAvroOptions,
): CompiledFromAvro {
  const client = SchemaRegistryClient.of(registry.url)
  const subject = subjectOf('from_avro', registry, options.readerSchema ?? schema)
  const reader = options.readerSchema ?? schema ?? readerFromSubject(client, subject, registry.version)
  const plain: FromAvroOptions = { ...options, readerSchema: undefined, wireFormat: 'confluent' }
  // Decodes with the reader schema itself: its type is the result's, and it reports bad headers.
  const base = compileFromAvro(reader, plain)
  const byId = new Map<number, (bytes: Uint8Array) => unknown>()
  const decoderOf = (id: number) => {
    const writer = client.schemaById(id)
    try {
      const evolve = writer === reader ? {} : { readerSchema: reader }
      return compileFromAvro(writer, { ...plain, ...evolve, schemaId: id }).decode
    } catch (e) {
      throw new SluiceError(
        'SCHEMA_INCOMPATIBLE',
        `from_avro: values written with schema id ${id} of ${client.url} cannot be read with the reader schema${subject === undefined ? '' : ` of subject '${subject}'`}: ${(e as Error).message}`,
        { cause: e },
      )
    }
  }
  const decode = (input: Uint8Array): unknown => {
    if (input.length < 5 || input[0] !== 0) return base.decode(input)
    const id = ((input[1] << 24) | (input[2] << 16) | (input[3] << 8) | input[4]) >>> 0
    let d = byId.get(id)
    if (d === undefined) byId.set(id, (d = decoderOf(id)))
    return d(input)
  }
  return { type: base.type, decode }
}

function readerFromSubject(
  client: SchemaRegistryClient,
  subject: string | undefined,
  version: number | 'latest',
): string {
  if (subject === undefined) {
    throw new SluiceError(
      'INVALID_OPTION',
      'from_avro: with a schema registry, give the reader schema as the schema argument, or name the subject to take it from (option subject, or option topic for TopicNameStrategy).',
    )
  }
  return client.subjectVersion(subject, version).schema
}

/**
 * to_avro over a registry: the schema (given, or derived from the column's type) is registered
 * or looked up under its subject, and each value gets the Confluent header with its id.
 *
 * @example
 * const { encode } = compileToAvroWithRegistry(t.struct({ id: t.long() }), false, undefined, { url, topic: 'orders', ... })
 */
export function compileToAvroWithRegistry(
  type: DataType,
  nullable: boolean,
  schema: string | undefined,
  registry: AvroRegistryOptions,
): CompiledToAvro {
  const client = SchemaRegistryClient.of(registry.url)
  let text = schema ?? JSON.stringify(sluiceToAvroSchema(type, nullable))
  const subject = subjectOf('to_avro', registry, text)
  if (subject === undefined) {
    throw new SluiceError(
      'INVALID_OPTION',
      'to_avro: with a schema registry, name the subject to register the schema under: option topic (TopicNameStrategy, the default: <topic>-value), or option subject.',
    )
  }
  let id: number
  if (registry.useLatestVersion) {
    const latest = client.subjectVersion(subject, 'latest')
    id = latest.id
    text = latest.schema
  } else id = registry.autoRegister ? client.register(subject, text) : client.lookup(subject, text)
  return compileToAvro(type, nullable, text, { wireFormat: 'confluent', schemaId: id })
}
