/** docs/functions.md is generated from the catalog: every function has a line, and the file is current. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { FUNCTIONS_DOC_PATH, renderFunctionsDoc } from '../../../scripts/functions-doc.ts'
import { functionNames } from '../../../src/functions/catalog.ts'

describe('docs/functions.md', () => {
  it('describes every catalog function and lists the functions left out', () => {
    const doc = renderFunctionsDoc()
    for (const name of functionNames())
      assert.ok(doc.includes(`| \`${name.replaceAll('|', '\\|')}\` |`), name)
    assert.match(doc, /## Left out on purpose/)
  })

  it('is up to date with the catalog (run `npm run docs:functions` after adding a function)', () => {
    assert.equal(readFileSync(FUNCTIONS_DOC_PATH, 'utf8'), renderFunctionsDoc())
  })
})
