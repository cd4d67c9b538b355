/**
 * Sluice's structured logs: pino JSON lines, silent unless `sluice.log.level` turns them on.
 * Credentials never reach a line: option values whose key names a secret are redacted.
 */
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino'

/** The levels `sluice.log.level` accepts, pino's (and log4j's) names. */
export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]

/** Option keys whose values are secrets, e.g. `kafka.sasl.password`, `kafka.sasl.jaas.config`. */
const SECRET_KEY = /pass(word)?|secret|token|jaas|credential|api[._-]?key|private[._-]?key/i

/** A copy of `value` with every entry under a secret-looking key replaced by `[Redacted]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) && typeof v !== 'object' ? '[Redacted]' : redactSecrets(v, depth + 1)
  return out
}

/** Also hides `password=...`-style secrets written inside a string (a source's description, a URL). */
export function redactText(text: string): string {
  return text
    .replace(
      /((?:pass(?:word)?|secret|token|api[._-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&)}]+)/gi,
      '$1[Redacted]',
    )
    .replace(/(\/\/[^/:@\s]+:)[^@/\s]+@/g, '$1[Redacted]@')
}

/**
 * A pino logger at `level` writing JSON lines to `destination` (default stdout).
 * @example const log = createLogger('info'); log.info({ queryId }, 'query started')
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  if (level === 'silent' && destination === undefined) return pino({ enabled: false })
  return pino(
    {
      level,
      base: { name: 'sluice' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactText(a) : redactSecrets(a)))
          method.apply(this, redacted as Parameters<typeof method>)
        },
      },
    },
    destination ?? pino.destination(1),
  )
}

export type { Logger }
