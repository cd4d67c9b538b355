/**
 * A client of Confluent Schema Registry's REST API (Confluent's own registry, Apicurio Registry
 * under `/apis/ccompat/v7`, Karapace, Redpanda): schemas by id, subject versions, registration,
 * and the subject-name strategies of Confluent's serializers. Calls block (io/sync-http.ts): they
 * run at expression bind time and for a schema id first met in a batch, and every answer that
 * cannot change is cached for the process — schemas per id, ids per (subject, schema).
 * The registry's refusals become SluiceErrors: SCHEMA_NOT_FOUND, SCHEMA_INCOMPATIBLE (the
 * subject's compatibility rule refused a schema), SCHEMA_REGISTRY_ERROR (unreachable, other).
 */
import { SluiceError } from '../../errors.ts'
import { httpJsonSync, type SyncHttpResponse } from '../../io/sync-http.ts'

/** A schema as a subject version holds it. */
export interface RegisteredSchema {
  readonly id: number
  readonly schema: string
  readonly subject: string
  readonly version: number
}

/** Confluent's subject-name strategies (their class names, short or in full). */
export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy'

const STRATEGIES: readonly SubjectNameStrategy[] = [
  'TopicNameStrategy',
  'RecordNameStrategy',
  'TopicRecordNameStrategy',
]

/**
 * A strategy from its name: short (`RecordNameStrategy`) or Confluent's class
 * (`io.confluent.kafka.serializers.subject.RecordNameStrategy`).
 *
 * @example
 * parseSubjectNameStrategy('io.confluent.kafka.serializers.subject.TopicRecordNameStrategy') // 'TopicRecordNameStrategy'
 */
export function parseSubjectNameStrategy(text: string, fn: string): SubjectNameStrategy {
  const short = text.trim().split('.').pop() ?? ''
  const found = STRATEGIES.find((s) => s.toLowerCase() === short.toLowerCase())
  if (found !== undefined) return found
  throw new SluiceError(
    'INVALID_OPTION',
    `${fn}: option subject.name.strategy must be one of ${STRATEGIES.join(', ')}, not '${text}'.`,
  )
}

/**
 * The subject a strategy gives: `<topic>-value` (or `-key`), `<record full name>`, or
 * `<topic>-<record full name>`.
 *
 * @example
 * subjectNameOf('TopicRecordNameStrategy', { topic: 'orders', recordName: 'shop.Order', isKey: false }) // 'orders-shop.Order'
 */
export function subjectNameOf(
  strategy: SubjectNameStrategy,
  parts: {
    readonly topic?: string
    readonly recordName?: string
    readonly isKey: boolean
    readonly fn: string
  },
): string {
  const need = (what: 'topic' | 'recordName', why: string): string => {
    const v = parts[what]
    if (v !== undefined && v !== '') return v
    throw new SluiceError('INVALID_OPTION', `${parts.fn}: ${strategy} needs ${why}.`)
  }
  const topic = () => need('topic', 'the Kafka topic: set option topic (or give option subject)')
  const record = () =>
    need('recordName', 'a named Avro record schema (its namespace and name make the subject)')
  if (strategy === 'TopicNameStrategy') return `${topic()}-${parts.isKey ? 'key' : 'value'}`
  if (strategy === 'RecordNameStrategy') return record()
  return `${topic()}-${record()}`
}

const clients = new Map<string, SchemaRegistryClient>()

/** The registry at one base URL, with its caches; one per URL per process (`SchemaRegistryClient.of`). */
export class SchemaRegistryClient {
  readonly url: string
  private readonly byId = new Map<number, string>()
  private readonly idBySubjectSchema = new Map<string, number>()

  private constructor(url: string) {
    this.url = url
  }

  /**
   * The client of the registry at `url` (e.g. `http://localhost:8081`, or Apicurio's
   * `http://localhost:8080/apis/ccompat/v7`).
   *
   * @example
   * const registry = SchemaRegistryClient.of('http://localhost:8081')
   */
  static of(url: string): SchemaRegistryClient {
    const base = url.trim().replace(/\/+$/, '')
    if (!/^https?:\/\/[^/\s]+/.test(base)) {
      throw new SluiceError(
        'INVALID_OPTION',
        `Option schema.registry.url must be the registry's http(s) address, e.g. http://localhost:8081, not '${url}'.`,
      )
    }
    let client = clients.get(base)
    if (client === undefined) clients.set(base, (client = new SchemaRegistryClient(base)))
    return client
  }

  /**
   * The schema registered under `id` (the id of the Confluent wire header); cached.
   *
   * @example registry.schemaById(42) // '{"type":"record",...}'
   */
  schemaById(id: number): string {
    const cached = this.byId.get(id)
    if (cached !== undefined) return cached
    const res = this.call('GET', `/schemas/ids/${id}`, undefined, `schema id ${id}`)
    const schema = (res.json as { schema?: unknown }).schema
    if (typeof schema !== 'string') throw this.unexpected(res, `schema id ${id}`)
    this.byId.set(id, schema)
    return schema
  }

  /**
   * A subject's version (a number, or `latest`: asked anew on every call).
   *
   * @example registry.subjectVersion('orders-value', 'latest').id // 42
   */
  subjectVersion(subject: string, version: number | 'latest'): RegisteredSchema {
    const what = `version ${version} of subject '${subject}'`
    const res = this.call(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      undefined,
      what,
    )
    const found = res.json as Partial<RegisteredSchema>
    if (typeof found.id !== 'number' || typeof found.schema !== 'string') throw this.unexpected(res, what)
    this.byId.set(found.id, found.schema)
    return { id: found.id, schema: found.schema, subject, version: found.version ?? 0 }
  }

  /**
   * Registers `schema` under `subject` (a no-op giving the same id when it is there) and returns
   * its id; the subject's compatibility rule may refuse it (SCHEMA_INCOMPATIBLE).
   *
   * @example registry.register('orders-value', '{"type":"record","name":"Order","fields":[]}') // 42
   */
  register(subject: string, schema: string): number {
    return this.idOf('POST', `/subjects/${encodeURIComponent(subject)}/versions`, subject, schema)
  }

  /**
   * The id of `schema` if it is already registered under `subject`, else SCHEMA_NOT_FOUND.
   *
   * @example registry.lookup('orders-value', schemaText) // 42
   */
  lookup(subject: string, schema: string): number {
    return this.idOf('POST', `/subjects/${encodeURIComponent(subject)}`, subject, schema)
  }

  private idOf(method: string, path: string, subject: string, schema: string): number {
    const key = `${path}\u0000${schema}`
    const cached = this.idBySubjectSchema.get(key)
    if (cached !== undefined) return cached
    const res = this.call(method, path, { schema, schemaType: 'AVRO' }, `the schema of subject '${subject}'`)
    const id = (res.json as { id?: unknown }).id
    if (typeof id !== 'number') throw this.unexpected(res, `subject '${subject}'`)
    this.idBySubjectSchema.set(key, id)
    this.byId.set(id, schema)
    return id
  }

  private call(method: string, path: string, body: unknown, what: string): SyncHttpResponse {
    const res = httpJsonSync(`${this.url}${path}`, method, body)
    if (res.status >= 200 && res.status < 300 && res.json !== undefined && res.json !== null) return res
    throw this.failed(res, what)
  }

  private failed(res: SyncHttpResponse, what: string): SluiceError {
    const at = `the schema registry at ${this.url}`
    if (res.status === 0)
      return new SluiceError(
        'SCHEMA_REGISTRY_ERROR',
        `Cannot reach ${at} (${res.text}): check option schema.registry.url and that the registry is running.`,
      )
    const message = (res.json as { message?: unknown } | undefined)?.message ?? res.text
    if (res.status === 404) return new SluiceError('SCHEMA_NOT_FOUND', `${at} has no ${what} (${message}).`)
    if (res.status === 409)
      return new SluiceError(
        'SCHEMA_INCOMPATIBLE',
        `${at} refused ${what}: it breaks the subject's compatibility rule (${message}). Evolve the schema compatibly (e.g. add fields with defaults) or change the subject's compatibility level.`,
      )
    return new SluiceError('SCHEMA_REGISTRY_ERROR', `${at} failed for ${what}: HTTP ${res.status} ${message}`)
  }

  private unexpected(res: SyncHttpResponse, what: string): SluiceError {
    return new SluiceError(
      'SCHEMA_REGISTRY_ERROR',
      `The schema registry at ${this.url} answered for ${what} with something that is not Confluent's API: ${res.text.slice(0, 200)}`,
    )
  }
}
