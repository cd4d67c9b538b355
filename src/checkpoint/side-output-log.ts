/**
 * Side outputs of a query (beyond Spark), kept in its checkpoint so they can be read as streams:
 *
 * - `C/late/<name>/`: a late-rows output, the rows stateful operators dropped for being behind the
 *   watermark (`readStream.format('late-rows')`);
 * - `C/dead-letter/<name>/`: a dead-letter output, the records a source could not read
 *   (`readStream.format('dead-letter')`).
 *
 * ```
 * C/late/<name>/_metadata    v1 + {"name":"late-events","schema":<Spark's schema JSON>}
 * C/late/<name>/<batchId>    v1 + {"rows":2} + the rows as one base64 msgpack line
 * ```
 *
 * Invariants: a batch's entry is written before `commits/N`, atomically and never overwritten (a
 * rerun of batch N computes the same rows, so its second write is skipped); only batches that
 * had rows have an entry, and `commits/N` lists the outputs batch N wrote to (`sideOutputs`), so a
 * committed batch without an entry had none unless its commit says otherwise (then the entry was
 * deleted: CHECKPOINT_CORRUPT). Entries are purged
 * with the offsets and commits logs (minBatchesToRetain). The schema in `_metadata` is fixed at the
 * first start; a query that would write other columns under the same name is refused.
 *
 * Versions: v1 (Sluice 0.1), the first, still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT.
 */
import { Packr, Unpackr } from 'msgpackr'
import { SluiceError } from '../errors.ts'
import type { FileSystem } from '../io/fs.ts'
import { type StructType, simpleString } from '../schema/data-type.ts'
import { schemaFromJson, schemaToJson } from '../schema/schema-json.ts'
import { checkpointCorrupt, checkpointIncompatible } from './checkpoint-errors.ts'
import { type CommitLogEntry, commitLogCodec } from './commit-log-codec.ts'
import { FileMetadataLog } from './file-metadata-log.ts'
import { commitsDir, sideOutputDir, sideOutputMetadataPath } from './layout.ts'
import {
  decodeVersionedFile,
  encodeVersionedFile,
  expectLineCount,
  type FileCodec,
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
} from './versioned-file.ts'

// As the state files: structs (plain objects) as records defined inline, so each entry stands
// alone; maps decode as Maps; moreTypes keeps Sets and binary cells.
// (msgpackr keeps state on the options object it is given: each instance gets its own.)
// NOTE: msgpackr writes -0 as the integer 0, here as in the state files.
const options = () => ({ useRecords: true, sequential: true, mapsAsObjects: false, moreTypes: true })
const unpackr = new Unpackr(options())

/** Which side output: its kind (the checkpoint folder) and name. */
export interface SideOutputRef {
  readonly kind: 'late' | 'dead-letter'
  readonly name: string
}

/** A side output's identity as one string (`late/late-events`). @example sideOutputKey({ kind: 'late', name: 'x' }) // 'late/x' */
export function sideOutputKey(ref: SideOutputRef): string {
  return `${ref.kind}/${ref.name}`
}

const WHAT = { late: 'late-rows output', 'dead-letter': 'dead-letter output' } as const
const RENAME = {
  late: "Give the late rows another name (withWatermark(..., { lateRows: 'other-name' }))",
  'dead-letter': "Give the dead letters another name (option('deadLetter', 'other-name'))",
} as const

/** The rows of one batch's entry. */
export type SideOutputEntry = readonly (readonly unknown[])[]

const entryCodec: FileCodec<SideOutputEntry> = {
  version: 2,
  encode: (rows) => [
    JSON.stringify({ rows: rows.length }),
    // A fresh Packr per entry: a sequential Packr's later output refers to earlier records.
    Buffer.from(new Packr(options()).pack(rows)).toString('base64'),
  ],
  decode(lines) {
    expectLineCount(lines, 2, 'the rows')
    const count = requireInteger(
      requireObject(parseJsonLine(lines, 0, 'the header'), 'the header'),
      'rows',
      'the header',
    )
    let rows: unknown
    try {
      rows = unpackr.unpack(Buffer.from(lines[1], 'base64'))
    } catch {
      throw new FormatProblem('the rows (line 3) are not valid msgpack')
    }
    if (!Array.isArray(rows) || rows.length !== count || !rows.every(Array.isArray))
      throw new FormatProblem(`the rows (line 3) do not hold the ${count} rows the header announces`)
    return rows as SideOutputEntry
  },
}

interface SideOutputMetadata {
  readonly name: string
  readonly schema: StructType
}

const metadataCodec: FileCodec<SideOutputMetadata> = {
  version: 2,
  encode: (m) => [JSON.stringify({ name: m.name, schema: JSON.parse(schemaToJson(m.schema)) })],
  decode(lines) {
    expectLineCount(lines, 1, 'the metadata')
    const o = requireObject(parseJsonLine(lines, 0, 'the metadata'), 'the metadata')
    try {
      return {
        name: requireString(o, 'name', 'the metadata'),
        schema: schemaFromJson(JSON.stringify(o.schema)),
      }
    } catch (e) {
      if (e instanceof SluiceError) throw new FormatProblem(`its schema is invalid: ${e.message}`)
      throw e
    }
  },
}

/**
 * The schema a side output's `_metadata` file holds (its bytes read by the caller).
 *
 * @example decodeSideOutputSchema('/ckpt/late/x/_metadata', readFileSync('/ckpt/late/x/_metadata'))
 */
export function decodeSideOutputSchema(file: string, bytes: Uint8Array): StructType {
  return decodeVersionedFile(file, bytes, metadataCodec).schema
}

/**
 * One side output of a checkpoint.
 *
 * @example
 * const log = new SideOutputLog(nodeFileSystem, '/ckpt', { kind: 'late', name: 'late-events' })
 * await log.open(schema) // writes or checks _metadata
 * await log.add(3, rows)
 */
export class SideOutputLog {
  readonly ref: SideOutputRef
  private readonly fs: FileSystem
  private readonly checkpoint: string
  private readonly entries: FileMetadataLog<SideOutputEntry>

  constructor(fs: FileSystem, checkpoint: string, ref: SideOutputRef) {
    this.fs = fs
    this.checkpoint = checkpoint
    this.ref = ref
    this.entries = new FileMetadataLog(fs, sideOutputDir(checkpoint, ref.kind, ref.name), entryCodec)
  }

  /** The schema recorded at the first start, or undefined when this output does not exist yet. */
  async schema(): Promise<StructType | undefined> {
    const path = sideOutputMetadataPath(this.checkpoint, this.ref.kind, this.ref.name)
    const bytes = await this.fs.readFile(path)
    return bytes === undefined ? undefined : decodeSideOutputSchema(path, bytes)
  }

  /** Records `schema` at the first start; later starts must produce the same columns. */
  async open(schema: StructType): Promise<void> {
    const recorded = await this.schema()
    const { kind, name } = this.ref
    if (recorded === undefined) {
      await this.fs.mkdirp(sideOutputDir(this.checkpoint, kind, name))
      const text = encodeVersionedFile(metadataCodec, { name, schema })
      await this.fs.writeAtomic(sideOutputMetadataPath(this.checkpoint, kind, name), text)
      return
    }
    if (schemaToJson(recorded) !== schemaToJson(schema)) {
      throw checkpointIncompatible(
        this.checkpoint,
        `the ${WHAT[kind]} '${name}' holds rows with the columns ${describe(recorded)}, but the query now sends it ${describe(schema)}`,
        `${RENAME[kind]}, or start the query on a new checkpoint.`,
      )
    }
  }

  /** Writes batch `batchId`'s late rows (none: nothing is written); a second write of a batch is skipped. */
  async add(batchId: number, rows: SideOutputEntry): Promise<void> {
    if (rows.length > 0) await this.entries.add(batchId, rows)
  }

  /** Batch `batchId`'s late rows ([] when it had none). */
  async get(batchId: number): Promise<SideOutputEntry> {
    return (await this.entries.get(batchId)) ?? []
  }

  /**
   * Committed batch `batchId`'s rows; CHECKPOINT_CORRUPT when its commit says it wrote an entry here
   * and the entry is gone (a commit from before `sideOutputs` was recorded: [] as before).
   */
  async getCommitted(batchId: number, commit: CommitLogEntry | undefined): Promise<SideOutputEntry> {
    const entry = await this.entries.get(batchId)
    if (entry !== undefined) return entry
    const key = sideOutputKey(this.ref)
    if (commit?.sideOutputs?.includes(key) === true) {
      const dir = sideOutputDir(this.checkpoint, this.ref.kind, this.ref.name)
      throw checkpointCorrupt(
        `${dir}/${batchId}`,
        `it is missing, but commits/${batchId} records that batch ${batchId} wrote ${WHAT[this.ref.kind]} rows to '${this.ref.name}' (they were deleted)`,
      )
    }
    return []
  }

  /** Removes the entries of batches below `thresholdBatchId`. */
  async purge(thresholdBatchId: number): Promise<void> {
    await this.entries.purge(thresholdBatchId)
  }
}

/**
 * Every row the side output `ref` of `checkpoint` holds for committed batches, in batch order
 * (schema undefined when the output does not exist).
 *
 * @example const { schema, rows } = await readSideOutput(nodeFileSystem, '/ckpt', { kind: 'late', name: 'late-events' })
 */
export async function readSideOutput(
  fs: FileSystem,
  checkpoint: string,
  ref: SideOutputRef,
): Promise<{ schema: StructType | undefined; rows: (readonly unknown[])[] }> {
  const log = new SideOutputLog(fs, checkpoint, ref)
  const schema = await log.schema()
  const rows: (readonly unknown[])[] = []
  const commits = new FileMetadataLog(fs, commitsDir(checkpoint), commitLogCodec)
  for (const id of await commits.listBatchIds())
    rows.push(...(await log.getCommitted(id, await commits.get(id))))
  return { schema, rows }
}

const describe = (schema: StructType): string => simpleString(schema)
