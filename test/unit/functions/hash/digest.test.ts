import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32, md5Hex, sha1Hex, sha2Hex } from '../../../../src/functions/hash/digest.ts'

/**
 * Spark's answers for md5 / sha1 / sha2(_, 224|256|384|512) / crc32 of each SQL literal, from
 * pyspark 4.0.0 (`select md5(x), sha1(x), sha2(x, 224), ..., crc32(x)`).
 */
const SPARK = [
  {
    sql: "'Spark'",
    input: 'Spark',
    md5: '8cde774d6f7333752ed72cacddb05126',
    sha1: '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c',
    sha224: 'dbeab94971678d36af2195851c0f7485775a2a7c60073d62fc04549c',
    sha256: '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b',
    sha384:
      '1e40b8d06c248a1cc32428c22582b6219d072283078fa140d9ad297ecadf2cabefc341b857ad36226aa8d6d79f2ab67d',
    sha512:
      '44844a586c54c9a212da1dbfe05c5f1705de1af5fda1f0d36297623249b279fd8f0ccec03f888f4fb13bf7cd83fdad58591c797f81121a23cfdd5e0897795238',
    crc32: 1557323817,
  },
  {
    sql: "''",
    input: '',
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    sha224: 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha384:
      '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
    sha512:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    crc32: 0,
  },
  {
    sql: "'héllo✓'",
    input: 'héllo✓',
    md5: 'b8c0ae0d55a5696707a3f8bb7f9ff92f',
    sha1: '5610e1723f0a46a5e1b17215801607ecf34252ce',
    sha224: 'bddb85a7d5e6a73ec63951470934354251cc55303f6c7df0306fcf3a',
    sha256: '2a6b8fe08ae03b8fda05c79566194bc14fada0e260d58dab15ac9e57e4a622e9',
    sha384:
      '66e4e3c23bf73d1660095f39c21dc823193b4d8190e35b70a6a7002f7a9236d50c5a4236007d087cf231a96b0ac7f07e',
    sha512:
      '2c9d34d13fa11061ced8dff3e5c1af0c6b824fce5057701f46a0dae6753bc99d1426d93f819f80b2a61013fe3b7564708c69a45f5f758edbcfaee88129c55a1a',
    crc32: 2039304293,
  },
  {
    sql: "'😀 日本'",
    input: '😀 日本',
    md5: '74a7747d47199497f96f0c7dfd6c4d14',
    sha1: '6cc08b4b30060d7097a8a285fc744d70293e33a1',
    sha224: '74e4376793cc703a110678e9e8b2fe798448bc9ed683790f502c997e',
    sha256: '3b8306ef8debcd01ed4f9dff505b882a3b3f8953308cf62613f945c91a81aeb6',
    sha384:
      '510ba03099bdc13716eab37bf229271f39abc20c6ccdbd96a454dc791520d876f91f56eca76d272336ab6114d10ff6bc',
    sha512:
      'bf80d9b7646a4e4bf2e0e82b89b308377890f4e4a44aed7203cb6977fc9f16e162fac9b290f6c539b9eea29a51ec7ea14248ea67d5b75761f2dc5851c1433840',
    crc32: 1230648811,
  },
  {
    sql: "X'00FF80'",
    input: new Uint8Array([0x00, 0xff, 0x80]),
    md5: '4fd64cb80c3f86e1e9d0f559af8b370f',
    sha1: 'e4bc8a01806054986edd720593bc12f760eca5b9',
    sha224: '5f2e5957c8cba48b56e2b6389a05f4ffa9cfa9eac9aea77efbca162e',
    sha256: 'f742b965f156c10374bc23aea96e3a8aff8facd6fc079defeaa30219ad86f211',
    sha384:
      '27bdb9f846f6e0abad8bcf5d687b9cb0c321311f8abfb129e025293723d3fd4c21f959bfef15a94d2197d7edeebd8fda',
    sha512:
      '2b60394e2123658df234eb52f83e93b28277add493936ba37e80bb0003a9136a03d471e70b3345e69a365053e9bf459a13c98e169fbbd5d88ab5dad5642c4d20',
    crc32: 2178787136,
  },
  {
    sql: "'The quick brown fox jumps over the lazy dog'",
    input: 'The quick brown fox jumps over the lazy dog',
    md5: '9e107d9d372bb6826bd81d3542a419d6',
    sha1: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
    sha224: '730e109bd7a8a32b1cb9d9a09aa2325d2430587ddbc0c38bad911525',
    sha256: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592',
    sha384:
      'ca737f1014a48f4c0b6dd43cb177b0afd9e5169367544c494011e3317dbf9a509cb1e5dc1e85a941bbee3d7f2afbc9b1',
    sha512:
      '07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6',
    crc32: 1095738169,
  },
]

describe('digests', () => {
  for (const c of SPARK) {
    it(`matches Spark's md5, sha1, sha2 and crc32 of ${c.sql}`, () => {
      assert.equal(md5Hex(c.input), c.md5)
      assert.equal(sha1Hex(c.input), c.sha1)
      assert.equal(sha2Hex(c.input, 224), c.sha224)
      assert.equal(sha2Hex(c.input, 256), c.sha256)
      assert.equal(sha2Hex(c.input, 384), c.sha384)
      assert.equal(sha2Hex(c.input, 512), c.sha512)
      assert.equal(crc32(c.input), c.crc32)
    })
  }

  it('treats sha2 bit length 0 as 256', () => {
    assert.equal(sha2Hex('Spark', 0), sha2Hex('Spark', 256))
  })

  it('returns null from sha2 for an unsupported bit length, as Spark does', () => {
    for (const bits of [100, 1, -256, 128, 255, 1024]) assert.equal(sha2Hex('Spark', bits), null)
  })

  it('hashes a string as its UTF-8 bytes', () => {
    const s = 'héllo✓'
    const bytes = new TextEncoder().encode(s)
    assert.equal(md5Hex(s), md5Hex(bytes))
    assert.equal(crc32(s), crc32(bytes))
  })

  it('returns crc32 values at or above 2^31 as positive numbers', () => {
    assert.equal(crc32('123456789'), 0xcbf43926)
  })
})
