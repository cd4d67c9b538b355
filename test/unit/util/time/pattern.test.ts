import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { compileFormatter, compileParser, compilePattern } from '../../../../src/util/time/index.ts'

function assertInvalid(compile: () => unknown, mentions: string): void {
  assert.throws(compile, (e: unknown) => {
    assert.ok(isSluiceError(e, 'INVALID_PATTERN'), String(e))
    assert.ok(e.message.includes(mentions), `${e.message} should mention ${mentions}`)
    return true
  })
}

describe('compilePattern', () => {
  it('splits a pattern into fields and literals', () => {
    const { tokens, hasEra } = compilePattern("yyyy-MM-dd'T'HH", false)
    assert.equal(hasEra, false)
    assert.deepEqual(tokens, [
      { kind: 'field', letter: 'y', count: 4 },
      { kind: 'literal', text: '-' },
      { kind: 'field', letter: 'M', count: 2 },
      { kind: 'literal', text: '-' },
      { kind: 'field', letter: 'd', count: 2 },
      { kind: 'literal', text: 'T' },
      { kind: 'field', letter: 'H', count: 2 },
    ])
  })

  it("reads quotes: '' is a quote, and quoted letters are text", () => {
    assert.deepEqual(compilePattern("'o''clock' ''", false).tokens, [
      { kind: 'literal', text: "o'clock" },
      { kind: 'literal', text: ' ' },
      { kind: 'literal', text: "'" },
    ])
    assert.deepEqual(compilePattern("'Year' G", false).hasEra, true)
    assert.deepEqual(compilePattern("'G' y", false).hasEra, false)
  })

  it('nests optional sections, closing an unclosed one at the end', () => {
    assert.deepEqual(compilePattern('HH[:mm[:ss]', true).tokens, [
      { kind: 'field', letter: 'H', count: 2 },
      {
        kind: 'optional',
        tokens: [
          { kind: 'literal', text: ':' },
          { kind: 'field', letter: 'm', count: 2 },
          {
            kind: 'optional',
            tokens: [
              { kind: 'literal', text: ':' },
              { kind: 'field', letter: 's', count: 2 },
            ],
          },
        ],
      },
    ])
  })

  it('caches compiled patterns', () => {
    assert.equal(compilePattern('yyyy', false), compilePattern('yyyy', false))
    assert.equal(compileFormatter('yyyy'), compileFormatter('yyyy'))
  })
})

describe('invalid patterns (Spark 4 rejections)', () => {
  it('rejects week-based letters, naming the letter', () => {
    for (const letter of ['Y', 'w', 'W', 'u', 'e', 'c']) {
      assertInvalid(() => compileFormatter(`yyyy ${letter}`), `'${letter}'`)
      assertInvalid(() => compileParser(letter), `'${letter}'`)
    }
  })

  it('rejects the letters Spark disables and letters java.time does not know', () => {
    for (const letter of ['A', 'B', 'n', 'N', 'p', 'b', 't', 'I', 'g', 'v']) {
      assertInvalid(() => compileFormatter(letter), `'${letter}'`)
    }
  })

  it('rejects formatting-only letters when parsing but not when formatting', () => {
    for (const letter of ['E', 'F', 'q', 'Q']) {
      compileFormatter(letter)
      assertInvalid(() => compileParser(`${letter} yyyy`), `'${letter}'`)
    }
  })

  it('rejects too many letters', () => {
    for (const p of [
      'MMMMM',
      'LLLLL',
      'GGGGG',
      'EEEEE',
      'QQQQQ',
      'yyyyyyy',
      'ddd',
      'HHH',
      'hhh',
      'mmm',
      'sss',
    ]) {
      assertInvalid(() => compileFormatter(p), p)
    }
    for (const p of ['aa', 'DDDD', 'FF', 'zzzzz', 'XXXXXX', 'xxxxxx', 'ZZZZZZ', 'SSSSSSSSSS']) {
      assertInvalid(() => compileFormatter(p), p)
    }
  })

  it('requires exactly two V and one or four O', () => {
    assertInvalid(() => compileFormatter('V'), "'V'")
    assertInvalid(() => compileFormatter('VVV'), "'VVV'")
    assertInvalid(() => compileFormatter('OO'), "'OO'")
    compileFormatter('VV')
    compileFormatter('O OOOO')
  })

  it('rejects reserved characters, a stray ] and an unclosed quote', () => {
    assertInvalid(() => compileFormatter('yyyy{'), "'{'")
    assertInvalid(() => compileFormatter('#'), "'#'")
    assertInvalid(() => compileFormatter('yyyy]'), ']')
    assertInvalid(() => compileFormatter("yyyy 'abc"), 'quote')
  })

  it('accepts every letter Spark documents', () => {
    compileFormatter('G y M L d D Q q E F a h K k H m s S VV z O X x Z')
    compileParser('G y M L d D a h K k H m s S VV z O X x Z')
  })
})
