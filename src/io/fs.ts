/**
 * The file system the checkpoint writes through, injected so other stores can replace the local disk.
 *
 * Two write primitives keep a crash from ever exposing half a file:
 * - `writeAtomic` writes a temp file in the same directory, fsyncs it, renames it over the target and
 *   fsyncs the directory (Spark's `CheckpointFileManager.createAtomic(path, overwriteIfPossible = true)`).
 * - `createExclusive` writes a temp file the same way, then hard-links it to the target: `link` fails
 *   when the target exists (like the `wx` flag) and, unlike `wx`, the target appears with its whole
 *   content at once (`createAtomic(path, overwriteIfPossible = false)`).
 *
 * Both take `{ durable: false }` for files no recovery depends on (the progress history, a temporary
 * checkpoint's logs): the same temp file and rename or link, so readers still see whole files,
 * without the fsyncs of the file and its folder.
 *
 * Files are created owner-only (0600) and folders 0700 by default, as they may hold credentials
 * and business data; `localFileSystem('default')` leaves modes to the umask (Node's 0666/0777).
 *
 * Temp files are named `.tmp-<name>-<uuid>` and `list` never returns them; a failed write removes
 * its temp file. Every failure is a STORAGE_ERROR naming the operation and the path (a full or
 * read-only disk, a missing parent folder, a permission denied), never a raw Node error.
 */
import { randomUUID } from 'node:crypto'
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { readLocalTail, type TailReader } from './file-tail.ts'
import { guardStorage } from './storage-error.ts'

/** Names starting with this are unfinished writes; `list` hides them. */
export const TEMP_PREFIX = '.tmp-'

export type FileData = string | Uint8Array

/** How a write is made. */
export interface WriteOptions {
  /** Fsync the file and its folder before answering (default true); false for files a crash may lose. */
  readonly durable?: boolean
}

export interface FileSystem {
  /** The file's bytes, or undefined when there is no file at `path`. */
  readFile(path: string): Promise<Uint8Array | undefined>
  /** Names (not paths) of the entries in `dir`, sorted, without temp files; [] when `dir` is missing. */
  list(dir: string): Promise<string[]>
  exists(path: string): Promise<boolean>
  /** Creates `dir` and its missing parents; a no-op when it exists. */
  mkdirp(dir: string): Promise<void>
  /** Deletes a file (or, with `recursive`, a directory tree); false when nothing was there. */
  delete(path: string, options?: { recursive?: boolean }): Promise<boolean>
  /** Renames `from` to `to`, replacing `to`; false when there is nothing at `from`. */
  rename(from: string, to: string): Promise<boolean>
  /** Replaces `path` with `data` so that readers see the old content or the new, never a mix. */
  writeAtomic(path: string, data: FileData, options?: WriteOptions): Promise<void>
  /** Creates `path` holding `data`, whole, unless it exists; false (and nothing written) when it does. */
  createExclusive(path: string, data: FileData, options?: WriteOptions): Promise<boolean>
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code
}

/** Flushes a directory entry change (a rename or link) to disk. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (e) {
    // Some platforms (Windows) and file systems cannot open or fsync a directory; the rename is
    // still atomic there, only its durability across a power loss is up to the OS.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(errorCode(e) ?? '')) throw e
  } finally {
    await handle?.close()
  }
}

/** Who may read what Sluice writes: 'owner' (0600 files, 0700 folders) or 'default' (the umask's). */
export type FilePermissions = 'owner' | 'default'

interface Modes {
  readonly file: number
  readonly dir: number
}

const MODES: Readonly<Record<FilePermissions, Modes>> = Object.freeze({
  owner: Object.freeze({ file: 0o600, dir: 0o700 }),
  default: Object.freeze({ file: 0o666, dir: 0o777 }),
})

async function writeTemp(path: string, data: FileData, modes: Modes, durable: boolean): Promise<string> {
  const temp = join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${randomUUID()}`)
  const handle = await open(temp, 'wx', modes.file)
  try {
    await handle.writeFile(data)
    if (durable) await handle.sync()
  } catch (e) {
    await handle.close()
    await rm(temp, { force: true })
    throw e
  }
  await handle.close()
  return temp
}

// Where hard links are not supported (FAT, some network shares) fall back to `wx`: still exclusive,
// but a crash mid-write can leave a partial file there.
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

async function createWithWx(path: string, data: FileData, modes: Modes, durable: boolean): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'wx', modes.file)
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false
    throw e
  }
  try {
    await handle.writeFile(data)
    if (durable) await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return false
    throw e
  }
}

/** The local disk, raw Node errors and all; wrapped by localFileSystem. */
const rawFileSystem = (modes: Modes): FileSystem => ({
  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(path))
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined
      throw e
    }
  },

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((name) => !name.startsWith(TEMP_PREFIX)).sort()
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return []
      throw e
    }
  },

  exists: pathExists,

  async mkdirp(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: modes.dir })
  },

  async delete(path: string, options?: { recursive?: boolean }): Promise<boolean> {
    try {
      if (options?.recursive) {
        await stat(path)
        await rm(path, { recursive: true, force: true })
      } else {
        await unlink(path)
      }
      return true
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return false
      throw e
    }
  },

  async rename(from: string, to: string): Promise<boolean> {
    try {
      await rename(from, to)
    } catch (e) {
      // ENOENT also means a missing target directory; only a missing source is an answer.
      if (errorCode(e) === 'ENOENT' && !(await pathExists(from))) return false
      throw e
    }
    await syncDir(dirname(to))
    return true
  },

  async writeAtomic(path: string, data: FileData, options?: WriteOptions): Promise<void> {
    const durable = options?.durable !== false
    const temp = await writeTemp(path, data, modes, durable)
    try {
      await rename(temp, path)
    } catch (e) {
      await rm(temp, { force: true })
      throw e
    }
    if (durable) await syncDir(dirname(path))
  },

  async createExclusive(path: string, data: FileData, options?: WriteOptions): Promise<boolean> {
    const durable = options?.durable !== false
    const temp = await writeTemp(path, data, modes, durable)
    try {
      await link(temp, path)
    } catch (e) {
      if (errorCode(e) === 'EEXIST') return false
      if (NO_LINK.has(errorCode(e) ?? '')) return createWithWx(path, data, modes, durable)
      throw e
    } finally {
      // unlink, not rm: rm's recursive walk (an lstat first) costs more than the write, every batch.
      await unlink(temp).catch((e: unknown) => {
        if (errorCode(e) !== 'ENOENT') throw e
      })
    }
    if (durable) await syncDir(dirname(path))
    return true
  },
})

/**
 * The local disk through `node:fs/promises`, creating files and folders with `permissions`;
 * failures are STORAGE_ERRORs naming operation and path.
 *
 * @example
 * const fs = localFileSystem('default') // files readable by the group and others, as the umask allows
 */
export function localFileSystem(permissions: FilePermissions): FileSystem & TailReader {
  const raw = rawFileSystem(MODES[permissions])
  return Object.freeze({
    readFile: (path: string) => guardStorage('read', path, () => raw.readFile(path)),
    readTail: (path: string, maxBytes: number) =>
      guardStorage('read', path, () => readLocalTail(path, maxBytes)),
    list: (dir: string) => guardStorage('list the folder', dir, () => raw.list(dir)),
    exists: (path: string) => guardStorage('look for', path, () => raw.exists(path)),
    mkdirp: (dir: string) => guardStorage('create the folder', dir, () => raw.mkdirp(dir)),
    delete: (path: string, options?: { recursive?: boolean }) =>
      guardStorage('delete', path, () => raw.delete(path, options)),
    rename: (from: string, to: string) => guardStorage(`rename ${from} to`, to, () => raw.rename(from, to)),
    writeAtomic: (path: string, data: FileData, options?: WriteOptions) =>
      guardStorage('write', path, () => raw.writeAtomic(path, data, options)),
    createExclusive: (path: string, data: FileData, options?: WriteOptions) =>
      guardStorage('create', path, () => raw.createExclusive(path, data, options)),
  })
}

/**
 * `fs` with every write made as `{ durable: false }`: the same temp file and rename or link (readers
 * and a killed process never see half a file, and the OS page cache keeps what was written), without
 * the fsyncs, so an OS crash or a power cut may lose the last writes (`sluice.files.fsync` false,
 * what Spark does on a local disk).
 *
 * @example const fast = withoutFsync(nodeFileSystem)
 */
export function withoutFsync<F extends FileSystem>(fs: F): F {
  return Object.freeze({
    ...fs,
    writeAtomic: (path: string, data: FileData) => fs.writeAtomic(path, data, { durable: false }),
    createExclusive: (path: string, data: FileData) => fs.createExclusive(path, data, { durable: false }),
  })
}

/**
 * The local disk with owner-only files (0600) and folders (0700).
 *
 * @example
 * await nodeFileSystem.writeAtomic('/tmp/ckpt/metadata', 'v1\n{}\n')
 * await nodeFileSystem.createExclusive('/tmp/ckpt/lock', 'v1\n...') // false if the lock exists
 */
export const nodeFileSystem: FileSystem = localFileSystem('owner')
