/** Input files and file sources for the file-source unit tests, written and opened the one way. */

import { sourceProvider } from '../../src/connectors/registry.ts'
import type { ScanRequest, Source } from '../../src/connectors/spi.ts'
import { Sluice } from '../../src/index.ts'
import type { TaskExecutor } from '../../src/io/worker-pool.ts'
import type { InferInputRow, StructType } from '../../src/schema/data-type.ts'

/**
 * Writes `files` Parquet files into `dir` with Sluice's writer, file `f` holding `rowsOf(f)`, in
 * row groups of `rowGroupSize` rows, one file after another.
 *
 * @example await writeParquetFiles(dir, S, 3, (f) => rowsOf(f * 300, 300), 30)
 */
export async function writeParquetFiles<S extends StructType>(
  dir: string,
  schema: S,
  files: number,
  rowsOf: (f: number) => readonly InferInputRow<S>[],
  rowGroupSize: number,
): Promise<void> {
  const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
  for (let f = 0; f < files; f++) {
    await sluice
      .createDataFrame(rowsOf(f), schema)
      .write.format('parquet')
      .option('rowGroupSize', String(rowGroupSize))
      .mode('append')
      .save(dir)
  }
}

/**
 * A streaming file source of `format` with `options` (its `path` included) and `schema`, in UTC,
 * its clock at 0 and its log in `checkpointDir`; with `executor` and `scan` when given.
 *
 * @example const source = await openFileSource('parquet', { path: dir }, S, await tempDir(), { executor })
 */
export async function openFileSource(
  format: string,
  options: Readonly<Record<string, string>>,
  schema: StructType,
  checkpointDir: string,
  extra: { readonly executor?: TaskExecutor; readonly scan?: ScanRequest } = {},
): Promise<Source> {
  const provider = sourceProvider(format)
  return provider.createSource(
    {
      options,
      checkpointDir,
      now: () => 0,
      timeZone: 'UTC',
      ...(extra.scan === undefined ? {} : { scan: extra.scan }),
      ...(extra.executor === undefined ? {} : { executor: extra.executor }),
    },
    provider.schema(options, schema),
  )
}
