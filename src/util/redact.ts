/**
 * Redaction of credentials in text Sluice shows (query errors, progress), as Spark's
 * `spark.redaction.regex` (`(?i)secret|password|token|access[.]?key`) plus `jaas` (Kafka's
 * `sasl.jaas.config` holds a password):
 *
 * - the password of a URL's user info: `sasl://user:pa55@host` -> `sasl://user:*********(redacted)@host`;
 * - the value after a key whose name matches: `password=pa55`, `"kafka.sasl.jaas.config": "..."`,
 *   `token: abc` -> the key, then `*********(redacted)`.
 */

/** What a redacted value is shown as (Spark's text). */
export const REDACTED = '*********(redacted)'

const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s/@]+@/gi
const SENSITIVE_KEY = '[\\w.-]*(?:password|passwd|secret|token|jaas|access[.]?key)[\\w.-]*'
const QUOTED = `"(?:[^"\\\\]|\\\\.)*"|'[^']*'`
// key, separator (=, : or ": "), then a quoted value or a bare word.
const KEY_VALUE = new RegExp(
  `(["']?${SENSITIVE_KEY}["']?\\s*[=:]\\s*)(?!\\*{9}\\(redacted\\))(${QUOTED}|[^\\s,;&)}\\]]+)`,
  'gi',
)
// A JAAS config unquoted runs to its `;`: `sasl.jaas.config=... required username="u" password="p";`.
const JAAS_BARE = /([\w.-]*jaas[\w.-]*\s*[=:]\s*)(?!["'])[^;\n]*;?/gi
// option('secretKey', 's3cr3t'): a quoted key, a comma, a quoted value.
const OPTION_CALL = new RegExp(`(["']${SENSITIVE_KEY}["']\\s*,\\s*)(${QUOTED})`, 'gi')

/**
 * `text` with credentials replaced by `*********(redacted)`.
 *
 * @example
 * redactText('connect to kafka://app:pa55@broker:9092 failed (sasl.password=pa55)')
 * // 'connect to kafka://app:*********(redacted)@broker:9092 failed (sasl.password=*********(redacted))'
 */
export function redactText(text: string): string {
  return text
    .replace(URL_USER_INFO, `$1:${REDACTED}@`)
    .replace(JAAS_BARE, `$1${REDACTED}`)
    .replace(OPTION_CALL, `$1${REDACTED}`)
    .replace(KEY_VALUE, `$1${REDACTED}`)
}

/**
 * Redacts `error`'s message and stack in place (so its `cause` chain, logged later, holds no
 * credential either) and returns it.
 *
 * @example
 * throw redactError(new Error('login failed: password=hunter2')) // message 'login failed: password=*********(redacted)'
 */
export function redactError<E extends Error>(error: E): E {
  let e: unknown = error
  for (let depth = 0; e instanceof Error && depth < 8; depth++) {
    const message = redactText(e.message)
    try {
      if (message !== e.message) e.message = message
      if (e.stack !== undefined) e.stack = redactText(e.stack)
    } catch {
      // A frozen error keeps its text; the wrapping error's message is redacted regardless.
    }
    e = e.cause
  }
  return error
}
