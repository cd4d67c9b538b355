import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  murmur3HashBytes,
  murmur3HashInt,
  murmur3HashLong,
  murmur3HashString,
} from '../../../../src/functions/hash/murmur3.ts'
import { sparkHash, sparkXxHash64, xxhash64Parts } from '../../../../src/functions/hash/spark-hash.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'

/**
 * Spark's own answers: `select hash(<sql>), xxhash64(<sql>)` run on pyspark 4.0.0 (session time
 * zone UTC, spark.sql.legacy.allowHashOnMapType=true for the map rows). Keyed by the SQL arguments.
 */
const SPARK_ROWS: readonly (readonly [sql: string, hash: number, xxhash64: bigint])[] = [
  ['1', -559580957, -6698625589789238999n],
  ['0', 933211791, 3614696996920510707n],
  ['-1', -1604776387, 2017008487422258757n],
  ['42', 29417773, -387659249110444264n],
  ['2147483647', 133916647, 1508894993788531228n],
  ['-2147483648', 723455942, 2073849959933241805n],
  ['-5', 1369497261, 9201179564109417620n],
  ['123', 85273170, 5513549449271372758n],
  ['0L', -1670924195, -5252525462095825812n],
  ['1L', -1712319331, -7001672635703045582n],
  ['-1L', -939490007, 3858142552250413010n],
  ['-5L', 424949597, -5259934538394028452n],
  ['42L', 1316951768, -6876166290308861218n],
  ['9007199254740991L', 1254640103, -2871434063367361288n],
  ['-9007199254740991L', -2127917060, 6260724324080909586n],
  ['4294967296L', -1307033787, 2573143779600619579n],
  ['-4294967296L', -896650895, 398523326965765587n],
  ['1234567890123L', 1304145252, 1687537368341330389n],
  ['2147483648L', 238268309, -8411286333845881801n],
  ['0.0D', -1670924195, -5252525462095825812n],
  ['-0.0D', -1670924195, -5252525462095825812n],
  ['1.5D', 1290763749, 7738255526519901366n],
  ['-2.25D', 170083257, -8344676507314498009n],
  ["double('NaN')", -1281358385, -3127944061524951246n],
  ["double('Infinity')", 833680482, 5810986238603807492n],
  ["double('-Infinity')", 461104036, 5326262080505358431n],
  ['1e300D', -359479591, -6660537626403695510n],
  ['4.9e-324D', -1712319331, -7001672635703045582n],
  ['0.1D', -1777758357, -4684694357984311926n],
  ['true', -559580957, -6698625589789238999n],
  ['false', 933211791, 3614696996920510707n],
  ["''", 142593372, -7444071767201028348n],
  ["'a'", 1485273170, -8582455328737087284n],
  ["'ab'", -97053317, 2710560539726725091n],
  ["'abc'", 1322437556, 1423657621850124518n],
  ["'abcd'", -396302900, -6810745876291105281n],
  ["'abcde'", 814637928, -990457398947679591n],
  ["'Spark'", 228093765, -4294468057691064905n],
  ["'héllo✓'", -1464027141, 4931031888571534450n],
  ["'✓'", 1600861957, -5947837110212661855n],
  ["'é'", 2119106806, 2065146811275570100n],
  ["'日本語テキスト'", -675756566, 7772424398469540022n],
  ["'😀'", 1877935379, -5869505314936196641n],
  ["'a😀'", -887235657, -487268225912820907n],
  ["'ünïcödé strings are fun 🎉 and long enough'", 1777694886, -959881460624859880n],
  ["'abcdefg'", 2132013596, 3761890393722740389n],
  ["'abcdefgh'", -804741815, 2470326616177429180n],
  ["'abcdefghijklmno'", 828319507, 7657402997733166237n],
  ["'abcdefghijklmnop'", -1791538798, 3874317801313077707n],
  ["'abcdefghijklmnopqrstuvwxyzabcde'", 937905251, 5535841268940656792n],
  ["'abcdefghijklmnopqrstuvwxyzabcdef'", -172810589, -463254560842461815n],
  ["'abcdefghijklmnopqrstuvwxyzabcdefg'", -1546973552, 3677322689380651244n],
  ["'abcdefghijklmnopqrstuvwxyzabcdefghijklmn'", 1913921797, -2745854355054766401n],
  ["'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk'", -441050205, -7554854488464887031n],
  ["'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl'", -846685949, -918397654759722531n],
  ["'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm'", 256384694, -2349535047037476628n],
  [
    "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv'",
    1594494522,
    7254856939543837532n,
  ],
  ["X''", 142593372, -7444071767201028348n],
  ["X'01'", -386724586, 6668291691252061002n],
  ["X'0102'", 1964783052, -449066226287847073n],
  ["X'010203'", -246362483, -2738966099373769964n],
  ["X'01020304'", -2481802, -9023776245396863771n],
  ["X'FF'", 1398487324, -4006032525457443936n],
  ["X'80FF7F'", 1911184379, -2220320451262039617n],
  ["X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20'", -148765681, 2046936095001747419n],
  ["X'FFFEFDFCFBFAF9F8F7F6F5F4F3'", 1648528076, 7655549239587578419n],
  ["date'2024-01-01'", -456589419, 3242891694566951137n],
  ["date'1970-01-01'", 933211791, 3614696996920510707n],
  ["date'1900-01-01'", -28786220, 87636426632586988n],
  ["timestamp'2024-01-01 00:00:00 UTC'", 1545358984, 3859582417520161651n],
  ["timestamp'1969-12-31 23:59:59.999 UTC'", -993842656, 329241093978022261n],
  ["timestamp'1900-01-01 00:00:00 UTC'", 785859604, 155858819934112402n],
  ["timestamp'2024-01-01 00:00:00.123 UTC'", -1546534451, -127928878325461485n],
  ["timestamp'9999-12-31 23:59:59.999 UTC'", -22342889, 4785449144088519139n],
  ["INTERVAL '10' MINUTE", 1833502051, -6780173737117509727n],
  ["INTERVAL '-1 02:03:04.005' DAY TO SECOND", -1663144296, -5671173358421323513n],
  ['null', 42, 42n],
  ['cast(null as int)', 42, 42n],
  ["1, null, 'a'", -936062819, 8205864924878002737n],
  ['array(1,2)', -222940379, -8133857028838179022n],
  ['cast(array() as array<int>)', 42, 42n],
  ["array('a', null, 'b')", 190734147, -7357372313250070212n],
  ['array(array(1), array(2,3))', -912918097, 8592097078962733837n],
  ['array(1L, -1L)', -223948522, -1659187159892528922n],
  ["map('a',1)", 532252686, -4810547614043336770n],
  ["map('a',1,'b',2)", -793797513, 7428138486932782616n],
  ['map(1, cast(null as string))', -559580957, -6698625589789238999n],
  ["named_struct('a',1,'b','x')", -1305545736, 8510603489595372987n],
  ["named_struct('a', cast(null as int), 'b', 2L)", -797927272, -3341702809300393011n],
  ["named_struct('a', named_struct('x', 1.5D), 'b', array('q'))", -971489414, -480027113533697706n],
  ["1, 'a'", -936062819, 8205864924878002737n],
  ["'Spark', array(123), 2", -1321691492, 5602566077635097486n],
  ['1L, 2L, 3L', 1045631400, 4904562767517797033n],
  ["true, 'x', 2.5D", -1397093485, 2097156890510276838n],
]
const SPARK = new Map(SPARK_ROWS.map(([sql, h, x]) => [sql, [h, x] as const]))

const ascii = (n: number): string =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('')
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b)
const I = t.int()
const L = t.long()
const D = t.double()
const S = t.string()
const B = t.binary()
const TS = t.timestamp()

/** [SQL arguments as run in Spark, Sluice values, their types]. */
type Case = readonly [sql: string, values: readonly unknown[], types: readonly DataType[]]
const one = (sql: string, value: unknown, type: DataType): Case => [sql, [value], [type]]

const CASES: readonly Case[] = [
  ...[1, 0, -1, 42, 2147483647, -2147483648, -5, 123].map((v) => one(String(v), v, I)),
  ...[
    0, 1, -1, -5, 42, 9007199254740991, -9007199254740991, 4294967296, -4294967296, 1234567890123, 2147483648,
  ].map((v) => one(`${v}L`, v, L)),
  one('0.0D', 0, D),
  one('-0.0D', -0, D),
  one('1.5D', 1.5, D),
  one('-2.25D', -2.25, D),
  one("double('NaN')", Number.NaN, D),
  one("double('Infinity')", Number.POSITIVE_INFINITY, D),
  one("double('-Infinity')", Number.NEGATIVE_INFINITY, D),
  one('1e300D', 1e300, D),
  one('4.9e-324D', 5e-324, D),
  one('0.1D', 0.1, D),
  one('true', true, t.boolean()),
  one('false', false, t.boolean()),
  ...['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'Spark', 'héllo✓', '✓', 'é', '日本語テキスト', '😀', 'a😀'].map(
    (s) => one(`'${s}'`, s, S),
  ),
  one("'ünïcödé strings are fun 🎉 and long enough'", 'ünïcödé strings are fun 🎉 and long enough', S),
  ...[7, 8, 15, 16, 31, 32, 33, 40, 63, 64, 65, 100].map((n) => one(`'${ascii(n)}'`, ascii(n), S)),
  one("X''", bytes(), B),
  one("X'01'", bytes(1), B),
  one("X'0102'", bytes(1, 2), B),
  one("X'010203'", bytes(1, 2, 3), B),
  one("X'01020304'", bytes(1, 2, 3, 4), B),
  one("X'FF'", bytes(0xff), B),
  one("X'80FF7F'", bytes(0x80, 0xff, 0x7f), B),
  one(
    "X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20'",
    Uint8Array.from({ length: 33 }, (_, i) => i),
    B,
  ),
  one(
    "X'FFFEFDFCFBFAF9F8F7F6F5F4F3'",
    Uint8Array.from({ length: 13 }, (_, i) => 255 - i),
    B,
  ),
  one("date'2024-01-01'", 19723, t.date()),
  one("date'1970-01-01'", 0, t.date()),
  one("date'1900-01-01'", -25567, t.date()),
  one("timestamp'2024-01-01 00:00:00 UTC'", Date.UTC(2024, 0, 1), TS),
  one("timestamp'1969-12-31 23:59:59.999 UTC'", -1, TS),
  one("timestamp'1900-01-01 00:00:00 UTC'", Date.UTC(1900, 0, 1), TS),
  one("timestamp'2024-01-01 00:00:00.123 UTC'", Date.UTC(2024, 0, 1, 0, 0, 0, 123), TS),
  one("timestamp'9999-12-31 23:59:59.999 UTC'", Date.UTC(9999, 11, 31, 23, 59, 59, 999), TS),
  one("INTERVAL '10' MINUTE", 600_000, t.interval()),
  one("INTERVAL '-1 02:03:04.005' DAY TO SECOND", -93_784_005, t.interval()),
  one('null', null, t.null()),
  one('cast(null as int)', null, I),
  ["1, null, 'a'", [1, null, 'a'], [I, t.null(), S]],
  one('array(1,2)', [1, 2], t.array(I)),
  one('cast(array() as array<int>)', [], t.array(I)),
  one("array('a', null, 'b')", ['a', null, 'b'], t.array(S)),
  one('array(array(1), array(2,3))', [[1], [2, 3]], t.array(t.array(I))),
  one('array(1L, -1L)', [1, -1], t.array(L)),
  one("map('a',1)", new Map([['a', 1]]), t.map(S, I)),
  one(
    "map('a',1,'b',2)",
    new Map([
      ['a', 1],
      ['b', 2],
    ]),
    t.map(S, I),
  ),
  one('map(1, cast(null as string))', new Map([[1, null]]), t.map(I, S)),
  one("named_struct('a',1,'b','x')", { a: 1, b: 'x' }, t.struct({ a: I, b: S })),
  one("named_struct('a', cast(null as int), 'b', 2L)", { a: null, b: 2 }, t.struct({ a: I, b: L })),
  one(
    "named_struct('a', named_struct('x', 1.5D), 'b', array('q'))",
    { a: { x: 1.5 }, b: ['q'] },
    t.struct({ a: t.struct({ x: D }), b: t.array(S) }),
  ),
  ["1, 'a'", [1, 'a'], [I, S]],
  ["'Spark', array(123), 2", ['Spark', [123], 2], [S, t.array(I), I]],
  ['1L, 2L, 3L', [1, 2, 3], [L, L, L]],
  ["true, 'x', 2.5D", [true, 'x', 2.5], [t.boolean(), S, D]],
]

function spark(sql: string): readonly [number, bigint] {
  const expected = SPARK.get(sql)
  assert.ok(expected, `no Spark oracle value recorded for ${sql}`)
  return expected
}

describe('sparkHash (Spark hash(), Murmur3 seed 42)', () => {
  for (const [sql, values, types] of CASES) {
    it(`matches Spark for hash(${sql})`, () => {
      assert.equal(sparkHash(values, types), spark(sql)[0])
    })
  }

  it('covers every recorded Spark value', () => {
    assert.deepEqual(new Set(CASES.map((c) => c[0])), new Set(SPARK.keys()))
  })

  it('hashes a string and its UTF-8 bytes alike', () => {
    for (const s of ['', 'abc', 'héllo✓', '😀x', ascii(37)]) {
      assert.equal(murmur3HashString(s, 42), murmur3HashBytes(new TextEncoder().encode(s), 42))
    }
  })

  it('hashes a non-ASCII string after a long ASCII prefix', () => {
    const s = `${ascii(9)}é`
    assert.equal(sparkHash([s], [S]), murmur3HashBytes(new TextEncoder().encode(s), 42))
  })

  it('exposes the per-type primitives with Spark results', () => {
    assert.equal(murmur3HashInt(1, 42), spark('1')[0])
    assert.equal(murmur3HashLong(-5, 42), spark('-5L')[0])
    assert.equal(murmur3HashString('abc', 42), spark("'abc'")[0])
    assert.equal(murmur3HashBytes(bytes(1, 2), 42), spark("X'0102'")[0])
  })

  it('chains a custom seed through the arguments', () => {
    assert.equal(sparkHash([1, 'a'], [I, S], 7), murmur3HashString('a', murmur3HashInt(1, 7)))
  })
})

describe('sparkXxHash64 (Spark xxhash64(), seed 42)', () => {
  for (const [sql, values, types] of CASES) {
    it(`matches Spark for xxhash64(${sql})`, () => {
      assert.equal(sparkXxHash64(values, types), spark(sql)[1])
    })
  }

  it('returns the same value as [hi, lo] halves', () => {
    for (const [sql, values, types] of CASES) {
      const [hi, lo] = xxhash64Parts(values, types)
      assert.equal(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)), spark(sql)[1], sql)
    }
  })

  it('accepts a negative bigint seed', () => {
    const direct = sparkXxHash64([1], [I], -1n)
    assert.equal(sparkXxHash64([1], [I], 2n ** 64n - 1n), direct)
  })
})
