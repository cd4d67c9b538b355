/**
 * `sentences(str[, lang[, country]])`: the text split into sentences of words, as Spark does with
 * `java.text.BreakIterator` (a word is kept when it starts with a letter or digit). Sluice uses
 * `Intl.Segmenter` (ICU's Unicode rules) for the locale and adjusts the two places where Java's
 * English rules differ on ordinary text: a line break does not end a sentence, and a hyphen
 * between letters stays inside the word (`e-mail`). For other languages, and for text with
 * abbreviations or scripts Java's rules treat specially, results can differ from Spark's.
 */
import { t } from '../schema/data-type.ts'
import { implicitCast, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const WORDLIKE = /^[\p{L}\p{Nd}]/u
const LETTERS = /^\p{L}+$/u
const segmenters = new Map<string, { sentence: Intl.Segmenter; word: Intl.Segmenter }>()

function segmentersFor(locale: string) {
  let s = segmenters.get(locale)
  if (s === undefined) {
    let tag = locale
    try {
      Intl.getCanonicalLocales(tag)
    } catch {
      tag = 'en-US'
    }
    s = {
      sentence: new Intl.Segmenter(tag, { granularity: 'sentence' }),
      word: new Intl.Segmenter(tag, { granularity: 'word' }),
    }
    segmenters.set(locale, s)
  }
  return s
}

/** The words of one sentence, with `letters-letters` joined as Java's word iterator does. */
function wordsOf(sentence: string, word: Intl.Segmenter): string[] {
  const parts = [...word.segment(sentence)].map((p) => p.segment)
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (p === '-' && out.length > 0 && LETTERS.test(parts[i - 1]) && LETTERS.test(parts[i + 1] ?? '')) {
      out[out.length - 1] += `-${parts[++i]}`
    } else if (WORDLIKE.test(p)) {
      out.push(p)
    }
  }
  return out
}

/**
 * Splits `text` into sentences of words.
 *
 * @example sentences('Hi there! Good morning.', 'en', 'US') // [['Hi', 'there'], ['Good', 'morning']]
 */
export function sentences(text: string, lang = '', country = ''): string[][] {
  const locale = lang === '' ? 'en-US' : country === '' ? lang : `${lang}-${country}`
  const seg = segmentersFor(locale)
  // Java's sentence rules do not break at a line break; the same length keeps offsets aligned.
  const flat = text.replace(/[\r\n]/g, ' ')
  const out: string[][] = []
  for (const s of seg.sentence.segment(flat)) {
    const words = wordsOf(s.segment, seg.word)
    if (words.length > 0) out.push(words)
  }
  return out
}

export const SENTENCES: ScalarFunctionDef = scalar('sentences', [1, 3], (args) => ({
  type: t.array(t.array(t.string())),
  args: args.map((a, i) => implicitCast('sentences', i, a, t.string())),
  impl: {
    kind: 'fn',
    nullSafe: true,
    fn: (s: string | null, lang?: string | null, country?: string | null) =>
      s === null ? null : sentences(s, lang ?? '', country ?? ''),
  },
  nullable: args[0].nullable,
}))
