/**
 * `aes_encrypt`, `aes_decrypt` and `try_aes_decrypt` as Spark does them, with node:crypto: a 16-,
 * 24- or 32-byte key; mode GCM (the default; output = 12-byte IV || ciphertext || 16-byte tag,
 * optional AAD), CBC (16-byte IV || ciphertext, PKCS padding) or ECB (PKCS padding). The IV is
 * random unless given (aes_encrypt's 5th argument), so encryption is non-deterministic then.
 * Padding DEFAULT means NONE for GCM and PKCS for ECB/CBC; any other pairing is refused as in
 * Spark (UNSUPPORTED_FEATURE.AES_MODE).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { implicitCast, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

type Bytes = Uint8Array
const IV_LENGTH: Readonly<Record<string, number>> = { gcm: 12, cbc: 16 }
const TAG = 16

function invalid(kind: string, detail: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', `[INVALID_PARAMETER_VALUE.${kind}] ${detail}`)
}

/** The node:crypto algorithm for a key, mode and padding, after Spark's checks. */
function algorithm(fn: string, key: Bytes, mode: string, padding: string): { name: string; mode: string } {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw invalid('AES_KEY_LENGTH', `\`${fn}\`: the key must be 16, 24 or 32 bytes long, got ${key.length}.`)
  }
  const m = mode.toLowerCase()
  const p = padding.toUpperCase()
  const ok =
    m === 'gcm'
      ? p === 'DEFAULT' || p === 'NONE'
      : (m === 'ecb' || m === 'cbc') && (p === 'DEFAULT' || p === 'PKCS')
  if (!ok) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `[UNSUPPORTED_FEATURE.AES_MODE] \`${fn}\`: AES-${mode} with padding ${padding} is not supported; use GCM (DEFAULT/NONE), CBC or ECB (DEFAULT/PKCS).`,
    )
  }
  return { name: `aes-${key.length * 8}-${m}`, mode: m }
}

function encrypt(
  input: Bytes,
  key: Bytes,
  mode = 'GCM',
  padding = 'DEFAULT',
  iv?: Bytes | null,
  aad?: Bytes | null,
): Bytes {
  const alg = algorithm('aes_encrypt', key, mode, padding)
  const ivLength = IV_LENGTH[alg.mode] ?? 0
  if (iv != null && iv.length > 0 && iv.length !== ivLength) {
    throw invalid(
      'AES_IV_LENGTH',
      `\`aes_encrypt\`: AES-${mode} needs a ${ivLength}-byte IV, got ${iv.length} bytes.`,
    )
  }
  const nonce = ivLength === 0 ? null : iv != null && iv.length > 0 ? iv : randomBytes(ivLength)
  const cipher = createCipheriv(alg.name, key, nonce) as ReturnType<typeof createCipheriv> & {
    setAAD?: (b: Bytes) => void
    getAuthTag?: () => Buffer
  }
  if (alg.mode === 'gcm' && aad != null && aad.length > 0) cipher.setAAD?.(aad)
  const body = Buffer.concat([cipher.update(input), cipher.final()])
  const tag = alg.mode === 'gcm' ? (cipher.getAuthTag?.() ?? Buffer.alloc(0)) : Buffer.alloc(0)
  return new Uint8Array(Buffer.concat([nonce ?? Buffer.alloc(0), body, tag]))
}

function decrypt(input: Bytes, key: Bytes, mode = 'GCM', padding = 'DEFAULT', aad?: Bytes | null): Bytes {
  const alg = algorithm('aes_decrypt', key, mode, padding)
  const ivLength = IV_LENGTH[alg.mode] ?? 0
  try {
    const iv = ivLength === 0 ? null : input.subarray(0, ivLength)
    const end = alg.mode === 'gcm' ? input.length - TAG : input.length
    if (end < ivLength) throw new Error('input too short')
    const decipher = createDecipheriv(alg.name, key, iv) as ReturnType<typeof createDecipheriv> & {
      setAAD?: (b: Bytes) => void
      setAuthTag?: (b: Bytes) => void
    }
    if (alg.mode === 'gcm') {
      decipher.setAuthTag?.(input.subarray(end))
      if (aad != null && aad.length > 0) decipher.setAAD?.(aad)
    }
    return new Uint8Array(Buffer.concat([decipher.update(input.subarray(ivLength, end)), decipher.final()]))
  } catch (e) {
    throw invalid(
      'AES_CRYPTO_ERROR',
      `\`aes_decrypt\`: ${(e as Error).message}; check the key, mode and padding.`,
    )
  }
}

const BINARY_ARGS = new Set([0, 1, 4, 5])

function args(fn: string, given: readonly BoundExpr[], binaryAt: ReadonlySet<number>): BoundExpr[] {
  return given.map((a, i) => implicitCast(fn, i, a, binaryAt.has(i) ? t.binary() : t.string()))
}

function aesFn(name: string, max: number, run: (...a: any[]) => Bytes | null): ScalarFunctionDef {
  const binaryAt = name === 'aes_encrypt' ? BINARY_ARGS : new Set([0, 1, 4])
  return scalar(name, [2, max], (given) => ({
    type: t.binary(),
    args: args(name, given, binaryAt),
    nullable: true,
    deterministic: name !== 'aes_encrypt',
    // Null input, key, mode or padding gives NULL; a NULL IV or AAD means none.
    impl: {
      kind: 'fn',
      nullSafe: true,
      fn: (...a: unknown[]) => (a.slice(0, 4).some((x) => x === null) ? null : run(...a)),
    },
  }))
}

export const AES_FUNCTIONS: readonly ScalarFunctionDef[] = [
  aesFn('aes_encrypt', 6, encrypt),
  aesFn('aes_decrypt', 5, decrypt),
  aesFn('try_aes_decrypt', 5, (...a: Parameters<typeof decrypt>) => {
    try {
      return decrypt(...a)
    } catch (e) {
      if (e instanceof SluiceError && e.message.includes('AES_CRYPTO_ERROR')) return null
      throw e
    }
  }),
]
