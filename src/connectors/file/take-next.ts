/**
 * Which files a streaming file source's trigger takes (Spark's FileStreamSource): at most
 * `maxFilesPerTrigger` files or about `maxBytesPerTrigger` bytes of the candidates, and which of
 * the rest it keeps for the next triggers instead of listing again.
 */
import type { ReadLimit } from '../spi.ts'
import type { ListedFile } from './file-listing.ts'
import type { FileSourceOptions } from './file-source-options.ts'

/** Spark's FileStreamSource constants: unread files kept for the next triggers, and when to drop them. */
const DISCARD_UNSEEN_INPUT_RATIO = 0.2
export const MAX_CACHED_UNSEEN_FILES = 10_000

/** Spark's `takeFilesUntilMax`: the first file always, then files while the total stays within `max`. */
function takeUntilBytes(files: readonly ListedFile[], max: number): [ListedFile[], ListedFile[], number] {
  let taken = 0
  let restBytes = 0
  const batch: ListedFile[] = []
  const rest: ListedFile[] = []
  for (const f of files) {
    if (batch.length === 0 || (rest.length === 0 && taken + f.size <= max)) {
      taken += f.size
      batch.push(f)
    } else {
      restBytes += f.size
      rest.push(f)
    }
  }
  return [batch, rest, restBytes]
}

/**
 * The files a trigger takes from `candidates` under `limit`, and the unread rest worth keeping
 * for the next triggers (null: list again). Pure: `latestOffset` logs what it answers, and the
 * prefetch guesses the next batch with it.
 *
 * @example takeNext(files, { kind: 'maxFiles', maxFiles: 1 }, options).batch // [files[0]]
 */
export function takeNext(
  candidates: readonly ListedFile[],
  limit: ReadLimit,
  options: FileSourceOptions,
): { readonly batch: readonly ListedFile[]; readonly rest: readonly ListedFile[] | null } {
  if (limit.kind === 'maxFiles') {
    const left = candidates.slice(limit.maxFiles)
    const keep = !options.latestFirst && left.length >= limit.maxFiles * DISCARD_UNSEEN_INPUT_RATIO
    return { batch: candidates.slice(0, limit.maxFiles), rest: keep ? left : null }
  }
  if (options.maxBytesPerTrigger !== undefined) {
    const [taken, left, leftBytes] = takeUntilBytes(candidates, options.maxBytesPerTrigger)
    const keep = !options.latestFirst && leftBytes >= options.maxBytesPerTrigger * DISCARD_UNSEEN_INPUT_RATIO
    return { batch: taken, rest: keep ? left : null }
  }
  return { batch: candidates, rest: null }
}
