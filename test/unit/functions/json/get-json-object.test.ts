import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateJsonPath, getJsonObject } from '../../../../src/functions/json/get-json-object.ts'
import { compileJsonPath } from '../../../../src/functions/json/json-path.ts'

// The document of Spark's JsonExpressionsSuite; expected answers are that suite's, and the extra
// cases below were checked against Spark 4 (pyspark) get_json_object.
const json =
  '{"store":{"fruit":[{"weight":8,"type":"apple"},{"weight":9,"type":"pear"}],' +
  '"basket":[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]],"book":[{"author":"Nigel Rees",' +
  '"title":"Sayings of the Century","category":"reference","price":8.95},' +
  '{"author":"Herman Melville","title":"Moby Dick","category":"fiction","price":8.99,' +
  '"isbn":"0-553-21311-3"},{"author":"J. R. R. Tolkien","title":"The Lord of the Rings",' +
  '"category":"fiction","reader":[{"age":25,"name":"bob"},{"age":26,"name":"jack"}],' +
  '"price":22.99,"isbn":"0-395-19395-8"}],"bicycle":{"price":19.95,"color":"red"}},' +
  '"email":"amy@only_for_json_udf_test.net","owner":"amy","zip code":"94025",' +
  '"fb:testid":"1234"}'
const books =
  '[{"author":"Nigel Rees","title":"Sayings of the Century","category":"reference","price":8.95},' +
  '{"author":"Herman Melville","title":"Moby Dick","category":"fiction","price":8.99,"isbn":"0-553-21311-3"},' +
  '{"author":"J. R. R. Tolkien","title":"The Lord of the Rings","category":"fiction",' +
  '"reader":[{"age":25,"name":"bob"},{"age":26,"name":"jack"}],"price":22.99,"isbn":"0-395-19395-8"}]'

describe('getJsonObject on the JsonExpressionsSuite document', () => {
  const cases: [string, string | null][] = [
    ['$.store.bicycle', '{"price":19.95,"color":"red"}'],
    ["$['store'].bicycle", '{"price":19.95,"color":"red"}'],
    ["$.store['bicycle']", '{"price":19.95,"color":"red"}'],
    ["$['store']['bicycle']", '{"price":19.95,"color":"red"}'],
    ['$.store.book', books],
    ['$.store.book[0]', JSON.stringify(JSON.parse(books)[0])],
    ['$.store.book[*]', books],
    ['$', json],
    ['$.store.book[0].category', 'reference'],
    ['$.store.book[*].category', '["reference","fiction","fiction"]'],
    ['$.store.book[*].isbn', '["0-553-21311-3","0-395-19395-8"]'],
    ['$.store.book[*].reader', '[{"age":25,"name":"bob"},{"age":26,"name":"jack"}]'],
    ['$.store.basket[0][1]', '2'],
    ['$.store.basket[*]', '[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]]'],
    ['$.store.basket[*][0]', '[1,3,5]'],
    ['$.store.basket[0][*]', '[1,2,{"b":"y","a":"x"}]'],
    ['$.store.basket[*][*]', '[1,2,{"b":"y","a":"x"},3,4,5,6]'],
    ['$.store.basket[0][2].b', 'y'],
    ['$.store.basket[0][*].b', '["y"]'],
    ['$.zip code', '94025'],
    ['$.fb:testid', '1234'],
    ['$.non_exist_key', null],
    ['$..no_recursive', null],
    ['$.store.book[10]', null],
    ['$.store.book[0].non_exist_key', null],
    ['$.store.basket[*].non_exist_key', null],
    // Checked against Spark 4:
    ['$.store.book[*].reader[0].name', '"bob"'],
    ['$.store.book[*].reader[*].name', '["bob","jack"]'],
    ['$.store.basket[*][*][*]', '[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]]'],
    ['$.store.basket[*][*].a', null],
    ['$.store.basket[*][1]', '[2,4,6]'],
    ['$.store.fruit[*].weight', '[8,9]'],
    ['$.store.fruit[01].type', 'pear'],
    ['$.*', null],
    ["$['*']", null],
    ['$.store.*', null],
    ['$[0]', null],
    ['$.store[*]', null],
  ]
  for (const [path, expected] of cases) {
    it(`evaluates ${path}`, () => assert.equal(getJsonObject(json, path), expected))
  }
})

describe('getJsonObject results', () => {
  it('returns a matched string unquoted, with escapes decoded', () => {
    assert.equal(getJsonObject('{"a":"b"}', '$.a'), 'b')
    assert.equal(getJsonObject('{"a":"b\\nc"}', '$.a'), 'b\nc')
    assert.equal(getJsonObject('{"a":"b\\"c"}', '$.a'), 'b"c')
    assert.equal(getJsonObject('{ "key with spaces": "it works" }', "$['key with spaces']"), 'it works')
    assert.equal(getJsonObject('"str"', '$'), 'str')
  })

  it('writes numbers as Jackson copies them: float tokens in Java form, integers exactly', () => {
    assert.equal(getJsonObject('{"a":1.50}', '$.a'), '1.5')
    assert.equal(getJsonObject('{"a":2.0}', '$.a'), '2.0')
    assert.equal(getJsonObject('{"a":1e5}', '$.a'), '100000.0')
    assert.equal(getJsonObject('{"a":123456789.0}', '$.a'), '1.23456789E8')
    assert.equal(getJsonObject('{"a":-0}', '$.a'), '0')
    assert.equal(getJsonObject('{"a":-0.0}', '$.a'), '-0.0')
    assert.equal(getJsonObject('{"a":12345678901234567890}', '$.a'), '12345678901234567890')
    assert.equal(getJsonObject('{"a":1e400}', '$.a'), '"Infinity"')
    assert.equal(getJsonObject('{"a":{"b" : 1.0, "c": [1, 2.50]}}', '$.a'), '{"b":1.0,"c":[1,2.5]}')
  })

  it('escapes control characters and surrogate pairs inside JSON results, as the UTF-8 generator does', () => {
    assert.equal(getJsonObject('{"a":["\\u0001"]}', '$.a'), '["\\u0001"]')
    assert.equal(getJsonObject('{"a":["\\ud83d\\ude00\\u001f"]}', '$.a'), '["\\uD83D\\uDE00\\u001F"]')
    assert.equal(getJsonObject('{"a":"\\ud83d\\ude00"}', '$.a'), '😀')
  })

  it('treats a JSON null field as no match, but copies null elsewhere', () => {
    assert.equal(getJsonObject('{"a":null}', '$.a'), null)
    assert.equal(getJsonObject('{"a":null}', '$'), '{"a":null}')
    assert.equal(getJsonObject('null', '$'), 'null')
    assert.equal(getJsonObject('[null]', '$[0]'), 'null')
    assert.equal(getJsonObject('{"a":[null, null]}', '$.a[*]'), '[null,null]')
    assert.equal(getJsonObject('{"a":[{"b":null},{"b":null}]}', '$.a[*].b'), null)
  })
})

describe('getJsonObject wildcards', () => {
  it('unwraps a single [*] match and quotes it', () => {
    assert.equal(getJsonObject('{"a":["x"]}', '$.a[*]'), '"x"')
    assert.equal(getJsonObject('[{"a":1}]', '$[*].a'), '1')
    assert.equal(getJsonObject('{"a":[{"b":1},{"c":2}]}', '$.a[*].b'), '1')
    assert.equal(getJsonObject('{"a":[{"b":null},{"b":"y"}]}', '$.a[*].b'), '"y"')
  })

  it('flattens [*][*] into one array', () => {
    assert.equal(getJsonObject('{"a":[[1,2],[3]]}', '$.a[*][*]'), '[1,2,3]')
    assert.equal(getJsonObject('[[1,[2,3]],[4]]', '$[*][*]'), '[1,2,3,4]')
    assert.equal(getJsonObject('[[1],2]', '$[*][*]'), '[1,2]')
    assert.equal(getJsonObject('{"a":[["x"]]}', '$.a[*][*]'), '["x"]')
    assert.equal(getJsonObject('[[],[]]', '$[*][*]'), null)
    assert.equal(getJsonObject('{"a":[[{"b":1}],[{"b":2}]]}', '$.a[*][*].b'), null)
  })

  it('nests a second wildcard below a field, keeping Spark quirks with empty arrays', () => {
    assert.equal(getJsonObject('{"a":[{"b":[1,2]},{"b":[3]}]}', '$.a[*].b[*]'), '[[1,2],[3]]')
    assert.equal(getJsonObject('{"a":[{"b":[1,2]},{"c":[3]}]}', '$.a[*].b[*]'), '[1,2]')
    assert.equal(getJsonObject('{"a":[{"b":[1,2]},{"b":[]}]}', '$.a[*].b[*]'), '[1,2],[]')
    assert.equal(getJsonObject('{"a":[{"b":[]},{"b":[1]}, {"b":[2]}]}', '$.a[*].b[*]'), '[[],[1],[2]]')
    assert.equal(getJsonObject('{"a":[{"b":[1,2]},{"b":[3]}]}', '$.a[*].b[0]'), '[1,3]')
  })

  it('returns null for a wildcard over nothing', () => {
    assert.equal(getJsonObject('[]', '$[*]'), null)
    assert.equal(getJsonObject('{"a":"x"}', '$.a[*]'), null)
    assert.equal(getJsonObject('{"a":{"b":"c"}}', '$.a.*'), null)
  })
})

describe('getJsonObject input handling', () => {
  it('accepts single quotes and raw control characters, as Spark does for Hive compatibility', () => {
    assert.equal(getJsonObject("{'a':'x'}", '$.a'), 'x')
    assert.equal(getJsonObject("{'a':'x\\'y'}", '$.a'), "x'y")
    assert.equal(getJsonObject('{"a":"x\ty"}', '$.a'), 'x\ty')
    assert.equal(getJsonObject('{"a":["x\ty"]}', '$.a'), '["x\\ty"]')
  })

  it('keeps the first of duplicate keys', () => {
    assert.equal(getJsonObject('{"a":1, "a": 2}', '$.a'), '1')
    assert.equal(getJsonObject('{"a":{"b":1}, "a":{"c":2}}', '$.a.c'), '2')
  })

  it('reads only the first JSON value', () => {
    assert.equal(getJsonObject('{"a":1} garbage', '$.a'), '1')
    assert.equal(getJsonObject('{"a":"x"}  {"b":1}', '$.b'), null)
    assert.equal(getJsonObject('5 x', '$'), '5')
  })

  it('returns null for malformed JSON anywhere in the first value', () => {
    for (const bad of [
      '{"a":1, "b": }',
      '{"a":"x"',
      '[1,2',
      '[1,]',
      '{"a":1,}',
      '5x',
      'truex',
      '',
      '  ',
      '{"a":NaN}',
      '{"a":007}',
    ]) {
      assert.equal(getJsonObject(bad, bad.startsWith('[') ? '$[0]' : '$.a'), null, bad)
    }
    assert.equal(getJsonObject('\u0000\u0000\u0000A\u0001AAA', '$.a'), null)
  })

  it('returns null for null input or path', () => {
    assert.equal(getJsonObject(null, '$.a'), null)
    assert.equal(getJsonObject('{"a":1}', null), null)
  })
})

describe('compileJsonPath', () => {
  it('rejects paths outside Spark grammar', () => {
    for (const p of ['a', '$$', '$.', '$[', "$['a", '$..a', '$[-1]', '$ .a', '$[*', '$[0 ]', "$[ 'a']"]) {
      assert.equal(compileJsonPath(p), null, p)
    }
  })

  it('skips whitespace where Spark parser does', () => {
    assert.equal(getJsonObject('{"a":{"b":1}}', '$. a'), '{"b":1}')
    assert.equal(getJsonObject('{"a":1}', "$[' a']"), '1')
    assert.equal(getJsonObject('[1]', '$[\n0]'), '1')
    assert.equal(getJsonObject('[1,2]', '$[0] '), '1')
    // A dotted name runs to the next '.' or '[', trailing spaces included.
    assert.equal(getJsonObject('{"a b":1}', '$.a b'), '1')
    assert.equal(getJsonObject('{"a":1}', '$.a\n'), null)
  })

  it('allows any characters but the quote inside brackets', () => {
    assert.equal(getJsonObject('{"a.b":1}', "$['a.b']"), '1')
    assert.equal(getJsonObject('{"a?":1}', "$['a?']"), '1')
    assert.equal(getJsonObject('{"a.b":1}', '$.a.b'), null)
  })

  it('compiles once and evaluates many documents', () => {
    const path = compileJsonPath('$.a[1]')
    assert.notEqual(path, null)
    assert.equal(compileJsonPath('$.a[1]'), path)
    assert.equal(evaluateJsonPath('{"a":[1,2,3]}', path!), '2')
    assert.equal(evaluateJsonPath('{"a":[1]}', path!), null)
  })
})
