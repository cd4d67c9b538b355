/**
 * `C/state/<operatorId>/_metadata`: what a stateful operator's state looks like, written once at the
 * first start and checked on every restart (Spark's StateSchemaCompatibilityChecker plus the
 * partition count Spark fixes through the offsets log's confs).
 *
 * ```
 * v2
 * {"operatorKind":"aggregate","numPartitions":4,"stores":[{"storeName":"default","keySchema":{"type":"struct","fields":[...]},"valueSchema":{...}}],"details":{"expressions":"keys=[k]; aggregates=[count(1)]"}}
 * crc32:5c1e6f2a
 * ```
 *
 * Schemas are Spark's schema JSON (schema-json.ts). Invariant: the file never changes once written
 * (created exclusively), except that a transformWithState operator's restart may rewrite it
 * (atomically) with Spark 4's allowed evolutions: new state variables (stores) after the old ones,
 * nullable fields added at the end of a variable's schema. Otherwise a restart whose operator kind, partition count, stores or key/value schemas
 * are not compatible with it fails with STATE_SCHEMA_INCOMPATIBLE before any state is read.
 *
 * Version history: v1 (Sluice 0.1) — the version line and the JSON line; still read, never
 * written. v2 — v1 plus a last line `crc32:<8 hex digits>`, the CRC-32 of every byte before it (the
 * envelope of `checkpoint/versioned-file.ts`), so one changed byte is CHECKPOINT_CORRUPT; its
 * `details` may hold `expressions` (expression fingerprints, exec/expression-fingerprint.ts).
 */
import { dirname } from 'node:path'
import { crc32 } from 'node:zlib'
import { SluiceError } from '../errors.ts'
import type { FileSystem } from '../io/fs.ts'
import type { DataType, StructType } from '../schema/data-type.ts'
import { simpleString, structOf } from '../schema/data-type.ts'
import { typeFromJson, typeToJson } from '../schema/schema-json.ts'
import { stateFileCorrupt } from './state-codec.ts'

/** The version this code writes, and the newest it reads. */
const METADATA_VERSION = 2
const checksumOf = (text: string): string =>
  `crc32:${crc32(new TextEncoder().encode(text)).toString(16).padStart(8, '0')}`

/** The key and value schema of one store of an operator. */
export interface StateStoreSchema {
  readonly storeName: string
  readonly keySchema: StructType
  readonly valueSchema: StructType
}

/** The content of an operator's `_metadata`. */
export interface StateSchemaMetadata {
  /** The operator's kind, e.g. `aggregate`, `dedupe`, `session-window`. */
  readonly operatorKind: string
  /** The number of state partitions (`sluice.sql.shuffle.partitions` at the first start). */
  readonly numPartitions: number
  readonly stores: readonly StateStoreSchema[]
  /**
   * What else must not change for the state to stay meaningful, as display strings compared
   * exactly: e.g. `{ aggregates: 'count, sum(bigint)' }`. Schemas alone cannot tell count from sum.
   */
  readonly details?: Readonly<Record<string, string>>
}

const NEW_CHECKPOINT =
  'Restart the query with a new checkpoint location (or undo the change) to run the changed query.'

/**
 * The metadata file's text.
 *
 * @example
 * encodeStateSchemaMetadata({ operatorKind: 'aggregate', numPartitions: 4, stores: [] })
 * // 'v2\n{"operatorKind":"aggregate","numPartitions":4,"stores":[]}\ncrc32:...\n'
 */
export function encodeStateSchemaMetadata(m: StateSchemaMetadata): string {
  const json = {
    operatorKind: m.operatorKind,
    numPartitions: m.numPartitions,
    stores: m.stores.map((s) => ({
      storeName: s.storeName,
      keySchema: typeToJson(s.keySchema),
      valueSchema: typeToJson(s.valueSchema),
    })),
    ...(m.details === undefined ? {} : { details: m.details }),
  }
  const text = `v${METADATA_VERSION}\n${JSON.stringify(json)}\n`
  return `${text}${checksumOf(text)}\n`
}

/**
 * Parses a metadata file; CHECKPOINT_CORRUPT / CHECKPOINT_VERSION_UNSUPPORTED name `file`.
 *
 * @example
 * decodeStateSchemaMetadata('/c/state/0/_metadata', bytes).numPartitions // 4
 */
export function decodeStateSchemaMetadata(file: string, bytes: Uint8Array): StateSchemaMetadata {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw stateFileCorrupt(file, 'it is not UTF-8 text')
  }
  const lines = text.split('\n')
  const m = /^v([0-9]+)$/.exec(lines[0])
  if (m === null || Number(m[1]) < 1)
    throw stateFileCorrupt(file, `the first line should be a version line like 'v2' but is '${lines[0]}'`)
  const version = Number(m[1])
  if (version > METADATA_VERSION) {
    throw new SluiceError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `State metadata ${file} has format version v${m[1]}, but this version of Sluice reads at most v${METADATA_VERSION}. Upgrade Sluice to run this query; the file was left untouched.`,
    )
  }
  const expected = version === 1 ? 3 : 4
  if (lines.length !== expected || lines[expected - 1] !== '')
    throw stateFileCorrupt(
      file,
      version === 1
        ? 'it should be a version line and one JSON line'
        : 'it should be a version line, one JSON line and a checksum line (the file is truncated or altered)',
    )
  if (version >= 2) {
    const actual = checksumOf(`${lines[0]}\n${lines[1]}\n`)
    if (actual !== lines[2])
      throw stateFileCorrupt(
        file,
        `its content does not match its checksum (${lines[2]} recorded, ${actual} computed): the file was altered or damaged`,
      )
  }
  try {
    return parseMetadata(JSON.parse(lines[1]))
  } catch (e) {
    throw stateFileCorrupt(file, `its JSON line does not describe state metadata (${(e as Error).message})`)
  }
}

function parseMetadata(o: Record<string, unknown>): StateSchemaMetadata {
  const { operatorKind, numPartitions, stores, details } = o
  if (typeof operatorKind !== 'string' || operatorKind === '')
    throw new Error('operatorKind should be a string')
  if (!Number.isSafeInteger(numPartitions) || (numPartitions as number) < 1) {
    throw new Error('numPartitions should be a positive integer')
  }
  if (!Array.isArray(stores)) throw new Error('stores should be an array')
  if (details !== undefined && (typeof details !== 'object' || details === null))
    throw new Error('details should be an object')
  return Object.freeze({
    ...(details === undefined ? {} : { details: Object.freeze({ ...(details as Record<string, string>) }) }),
    operatorKind,
    numPartitions: numPartitions as number,
    stores: Object.freeze(
      stores.map((s: Record<string, unknown>) => {
        if (typeof s?.storeName !== 'string') throw new Error('each store needs a storeName')
        const keySchema = typeFromJson(s.keySchema)
        const valueSchema = typeFromJson(s.valueSchema)
        if (keySchema.kind !== 'struct' || valueSchema.kind !== 'struct')
          throw new Error('schemas should be structs')
        return Object.freeze({ storeName: s.storeName, keySchema, valueSchema })
      }),
    ),
  })
}

/**
 * Throws STATE_SCHEMA_INCOMPATIBLE, saying what changed, unless a query whose state looks like
 * `current` can run on state written as `stored`. Like Spark, field names may change; field types
 * may not, and a field may become non-nullable but not nullable.
 *
 * @example
 * checkCompatible(stored, { ...stored, numPartitions: 8 }) // throws: 4 partitions in the checkpoint, 8 now
 */
export function checkCompatible(
  stored: StateSchemaMetadata,
  current: StateSchemaMetadata,
  where = 'the checkpoint',
): void {
  const fail = (what: string): never => {
    throw new SluiceError(
      'STATE_SCHEMA_INCOMPATIBLE',
      `The state of a ${stored.operatorKind} operator in ${where} does not fit the query: ${what}. ${NEW_CHECKPOINT}`,
    )
  }
  if (stored.operatorKind !== current.operatorKind) {
    fail(`the operator was a ${stored.operatorKind} and is now a ${current.operatorKind}`)
  }
  if (stored.numPartitions !== current.numPartitions) {
    fail(
      `the state has ${stored.numPartitions} partitions but the query now asks for ${current.numPartitions} ` +
        `(sluice.sql.shuffle.partitions is fixed at the first start)`,
    )
  }
  const names = (m: StateSchemaMetadata) => m.stores.map((s) => s.storeName).join(', ')
  if (names(stored) !== names(current))
    fail(`the state stores were [${names(stored)}] and are now [${names(current)}]`)
  stored.stores.forEach((s, i) => {
    const c = current.stores[i]
    const keyProblem = structProblem(s.keySchema, c.keySchema)
    if (keyProblem !== undefined)
      fail(`the key (grouping columns) of store '${s.storeName}' changed: ${keyProblem}`)
    const valueProblem = structProblem(s.valueSchema, c.valueSchema)
    if (valueProblem !== undefined)
      fail(`the value (aggregates) of store '${s.storeName}' changed: ${valueProblem}`)
  })
  for (const [k, was] of Object.entries(stored.details ?? {})) {
    const now = current.details?.[k]
    if (now !== undefined && now !== was) fail(`the ${k} changed from [${was}] to [${now}]${hintFor(k)}`)
  }
}

/** What to do about a changed detail, beyond starting afresh. */
function hintFor(detail: string): string {
  return detail === 'expressions'
    ? ' (the state schema is the same, but old and new results would mix). If the new expressions read the same values (e.g. a renamed column), start once with sluice.sql.streaming.stateStore.acceptExpressionChanges set to true'
    : ''
}

function structProblem(stored: StructType, current: StructType): string | undefined {
  const shown = `was ${simpleString(stored)}, now ${simpleString(current)}`
  if (stored.fields.length !== current.fields.length) {
    return `${stored.fields.length} fields became ${current.fields.length} (${shown})`
  }
  for (let i = 0; i < stored.fields.length; i++) {
    const s = stored.fields[i]
    const c = current.fields[i]
    if (!typeCompatible(c.type, s.type) || (c.nullable && !s.nullable)) {
      const n = (f: typeof s) => `${f.name} ${simpleString(f.type)}${f.nullable ? '' : ' not null'}`
      return `field ${i + 1} was \`${n(s)}\` and is now \`${n(c)}\` (${shown})`
    }
  }
  return undefined
}

/** Spark's `equalsIgnoreNameAndCompatibleNullability(from, to)`: same types, `to` at least as nullable. */
function typeCompatible(from: DataType, to: DataType): boolean {
  if (from.kind !== to.kind) return false
  switch (from.kind) {
    case 'array':
      if (to.kind !== 'array') return false
      return (to.containsNull || !from.containsNull) && typeCompatible(from.element, to.element)
    case 'map':
      if (to.kind !== 'map') return false
      return (
        (to.valueContainsNull || !from.valueContainsNull) &&
        typeCompatible(from.key, to.key) &&
        typeCompatible(from.value, to.value)
      )
    case 'struct':
      if (to.kind !== 'struct' || from.fields.length !== to.fields.length) return false
      return from.fields.every(
        (f, i) => (to.fields[i].nullable || !f.nullable) && typeCompatible(f.type, to.fields[i].type),
      )
    default:
      return true
  }
}

/**
 * Writes `current` as the operator's `_metadata` at the first start, or checks it against what an
 * earlier start wrote; returns the metadata in force.
 *
 * @example
 * await openStateSchemaMetadata(fs, stateMetadataPath(C, 0), { operatorKind: 'aggregate', numPartitions: 4, stores })
 */
export async function openStateSchemaMetadata(
  fs: FileSystem,
  path: string,
  current: StateSchemaMetadata,
  options: {
    readonly evolvable?: boolean
    /** Detail keys whose change is accepted (and recorded, so the next start compares with it). */
    readonly accept?: readonly string[]
  } = {},
): Promise<StateSchemaMetadata> {
  const existing = await readStateSchemaMetadata(fs, path)
  if (existing === undefined) {
    await fs.mkdirp(dirname(path))
    if (await fs.createExclusive(path, encodeStateSchemaMetadata(current))) return current
    // Another process wrote it between our read and create: check against what it wrote.
    return openStateSchemaMetadata(fs, path, current, options)
  }
  if (options.evolvable === true && isAllowedEvolution(existing, current)) {
    if (encodeStateSchemaMetadata(existing) !== encodeStateSchemaMetadata(current))
      await fs.writeAtomic(path, encodeStateSchemaMetadata(current))
    return current
  }
  const accepted = acceptedDetails(existing, current, options.accept ?? [])
  checkCompatible(accepted, current, path)
  if (accepted !== existing) await fs.writeAtomic(path, encodeStateSchemaMetadata(accepted))
  return accepted
}

/** `stored` with the `keys` details that changed taken from `current` (itself when none did). */
function acceptedDetails(
  stored: StateSchemaMetadata,
  current: StateSchemaMetadata,
  keys: readonly string[],
): StateSchemaMetadata {
  const changed = keys.filter(
    (k) => current.details?.[k] !== undefined && current.details[k] !== stored.details?.[k],
  )
  if (changed.length === 0) return stored
  const details = { ...stored.details }
  for (const k of changed) details[k] = current.details?.[k] as string
  return Object.freeze({ ...stored, details: Object.freeze(details) })
}

/**
 * Spark 4's allowed evolutions of a transformWithState operator's state: the stores (state
 * variables) of `stored` all still there, possibly with new ones; the details unchanged; each
 * store's key unchanged; each value the same or with nullable fields added at the end of its
 * `value` struct.
 *
 * @example isAllowedEvolution(stored, { ...stored, stores: [...stored.stores, newVariable] }) // true
 */
export function isAllowedEvolution(stored: StateSchemaMetadata, current: StateSchemaMetadata): boolean {
  if (stored.operatorKind !== current.operatorKind || stored.numPartitions !== current.numPartitions)
    return false
  if (Object.entries(stored.details ?? {}).some(([k, v]) => current.details?.[k] !== v)) return false
  const byName = new Map(current.stores.map((s) => [s.storeName, s]))
  return stored.stores.every((s) => {
    const c = byName.get(s.storeName)
    return (
      c !== undefined &&
      structProblem(s.keySchema, c.keySchema) === undefined &&
      valueEvolves(s.valueSchema, c.valueSchema)
    )
  })
}

/** The same value, or its first field (a struct) with nullable fields appended. */
function valueEvolves(stored: StructType, current: StructType): boolean {
  if (structProblem(stored, current) === undefined) return true
  if (stored.fields.length !== current.fields.length) return false
  const [s, c] = [stored.fields[0]?.type, current.fields[0]?.type]
  if (s?.kind !== 'struct' || c?.kind !== 'struct' || c.fields.length <= s.fields.length) return false
  const prefix = structOf(c.fields.slice(0, s.fields.length))
  const rest = (st: StructType) => structOf(st.fields.slice(1))
  return (
    structProblem(s, prefix) === undefined &&
    c.fields.slice(s.fields.length).every((f) => f.nullable) &&
    structProblem(rest(stored), rest(current)) === undefined
  )
}

/**
 * The operator's `_metadata`, or undefined before the first start.
 *
 * @example
 * await readStateSchemaMetadata(fs, '/c/state/0/_metadata') // undefined on a new checkpoint
 */
export async function readStateSchemaMetadata(
  fs: FileSystem,
  path: string,
): Promise<StateSchemaMetadata | undefined> {
  const bytes = await fs.readFile(path)
  return bytes === undefined ? undefined : decodeStateSchemaMetadata(path, bytes)
}
