import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {parseCreateTable, SqliteFile, SqliteFormatError, SqlValue} from '../../src/stores/sqlite-file.js'
import {ROOT, tempConfigDir} from '../support/cli.js'

const CASES = path.join(ROOT, 'test', 'support', 'sqlite_cases.py')

interface Expected {
  tables: Record<string, {columns: string[]; rows: Array<Record<string, unknown>>}>
  user_version: number
}

/** What the reader returns, in the JSON shape sqlite_cases.py prints (blobs as hex). */
function readBack(db: SqliteFile): Expected {
  const json = (value: SqlValue) => (value instanceof Uint8Array ? {blob: Buffer.from(value).toString('hex')} : value)
  const tables: Expected['tables'] = {}
  for (const name of [...db.tables().keys()].sort())
    tables[name] = {columns: db.columns(name)!, rows: db.rows(name).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, json(v)])))}
  return {tables, user_version: db.userVersion}
}

describe('SqliteFile (the read-only SQLite file-format reader), against files and answers of real SQLite', function () {
  this.timeout(60_000)
  let dir: string
  let cleanup: () => void

  beforeEach(() => ({cleanup, dir} = tempConfigDir()))
  afterEach(() => cleanup())

  for (const [pageSize, encoding] of [
    [512, 'UTF-8'],
    [1024, 'UTF-16le'],
    [4096, 'UTF-16be'],
    [65_536, 'UTF-8'],
  ] as const)
    it(`reads what SQLite reads (page size ${pageSize}, ${encoding}): every kind of value, interior pages, overflow chains, ALTER TABLE defaults, the rowid alias, quoted names`, () => {
      const file = path.join(dir, 'cases.db')
      const expected = JSON.parse(execFileSync('python3', [CASES, 'build', file, String(pageSize), encoding], {encoding: 'utf8', timeout: 30_000})) as Expected
      // The cases are what they claim: a 70,000-character value, hundreds of rows, the appended columns.
      expect(expected.tables.kinds.rows.some((r) => typeof r.v === 'string' && r.v.length === 70_000)).to.equal(true)
      expect(expected.tables.many.rows).to.have.length.above(500)
      expect(expected.tables.kinds.rows[0]).to.include({added: -42, added2: null})
      expect(readFileSync(file).length / pageSize, 'several pages').to.be.above(5)

      expect(readBack(new SqliteFile(readFileSync(file)))).to.deep.equal(expected)
    })

  it('parses the column list of CREATE TABLE texts as SQLite keeps them, ALTER TABLE edits included', () => {
    const names = (sql: string) => parseCreateTable(sql)?.map((c) => c.name)
    expect(
      names(
        'CREATE TABLE profiles (name TEXT NOT NULL, api_url TEXT NOT NULL, project_id TEXT NOT NULL,\n api_key TEXT, PRIMARY KEY (name, api_url), api_key_id TEXT, device_oidc TEXT, id TEXT)',
      ),
    ).to.deep.equal(['name', 'api_url', 'project_id', 'api_key', 'api_key_id', 'device_oidc', 'id'])
    expect(names('CREATE TABLE t(a DEFAULT (1, 2), "b""c" CHECK (b > 0), CONSTRAINT u UNIQUE (a))')).to.deep.equal(['a', 'b"c'])
    expect(parseCreateTable('CREATE TABLE t(a INTEGER PRIMARY KEY DESC, b)')?.[0].rowidAlias).to.equal(false)
    expect(parseCreateTable('CREATE TABLE t(a integer primary key autoincrement, b)')?.[0].rowidAlias).to.equal(true)
    expect(parseCreateTable("CREATE TABLE t(a DEFAULT -1.5, b DEFAULT 'it''s', c DEFAULT CURRENT_TIME)")?.map((c) => c.defaultValue)).to.deep.equal([
      -1.5,
      "it's",
      null,
    ])
    expect(parseCreateTable('CREATE TABLE t(a PRIMARY KEY, b) WITHOUT ROWID'), 'not a rowid table').to.equal(undefined)
    expect(parseCreateTable('CREATE TABLE t AS SELECT 1')).to.equal(undefined)
  })

  it('refuses what is not a SQLite image it can read, with a one-line SqliteFormatError', () => {
    const header = (patch: (b: Buffer) => void) => {
      const bytes = Buffer.alloc(1024)
      bytes.write('SQLite format 3\0', 'latin1')
      bytes.writeUInt16BE(512, 16)
      bytes[19] = 1
      bytes[100] = 0x0d
      patch(bytes)
      return bytes
    }

    const refusal = (bytes: Uint8Array) => {
      try {
        new SqliteFile(bytes).tables()
      } catch (error) {
        expect(error).to.be.instanceOf(SqliteFormatError)
        expect((error as Error).message).to.not.include('\n')
        return (error as Error).message
      }

      return expect.fail('expected a SqliteFormatError')
    }

    expect(new SqliteFile(header(() => {})).tables().size, 'the valid control').to.equal(0)
    expect(refusal(Buffer.from('SQLite format 3'))).to.equal('not a SQLite database')
    expect(refusal(header((b) => b.writeUInt16BE(1000, 16)))).to.equal('malformed header: page size 1000')
    expect(refusal(header((b) => (b[19] = 3)))).to.equal('unsupported file format version 3')
    expect(refusal(header((b) => b.writeUInt32BE(4, 56)))).to.equal('malformed header: text encoding 4')
    expect(refusal(header((b) => (b[100] = 0x0a)))).to.equal('malformed: page 1 is not a table b-tree page')
    expect(refusal(header((b) => b.writeUInt16BE(300, 103)))).to.equal('malformed: page 1 has too many cells')
  })
})
