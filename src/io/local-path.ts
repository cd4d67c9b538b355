/**
 * Paths a user gives (`load(path)`, `option('path')`, `checkpointLocation`) are local folders or
 * files. A `file:` URL is read as the local path it names; any other URL scheme (`s3a://`, `gs://`,
 * `abfss://`, `hdfs://`, ...) is refused until object stores are supported, instead of silently
 * becoming a local folder named `s3a:`.
 */
import { fileURLToPath } from 'node:url'
import { SluiceError } from '../errors.ts'

// Two or more letters before the colon, so a Windows drive (`C:\data`) is still a local path.
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]+):/

/**
 * The local path `path` names, or an UNSUPPORTED_OPERATION error naming `what` for a remote URL.
 *
 * @example localPath('file:///data/in', 'path') // '/data/in'
 * @example localPath('s3a://bucket/in', 'path') // throws UNSUPPORTED_OPERATION
 */
export function localPath(path: string, what: string): string {
  const scheme = SCHEME_RE.exec(path)?.[1]
  if (scheme === undefined) return path
  if (scheme.toLowerCase() === 'file') return fileURLToPath(path.replace(/^file:(?!\/)/i, 'file:///'))
  throw new SluiceError(
    'UNSUPPORTED_OPERATION',
    `${what} '${path}' uses the '${scheme}:' scheme, but Sluice reads and writes local files only (object stores and HDFS are not supported yet). Use a local folder, or mount the store and give its local path.`,
  )
}

/** `options` with its `path` and `checkpointLocation` (any key case) made local paths. */
export function localPathOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(options)) {
    const lower = key.toLowerCase()
    out[key] =
      lower === 'path' || lower === 'checkpointlocation' ? localPath(value, `option('${key}')`) : value
  }
  return out
}
