import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {SqliteFile} from '../../src/stores/sqlite-file.js'
import {ROOT, tempConfigDir} from '../support/cli.js'
import {buildSqliteImage, type ImageSpec, PROFILES_SQL, profilesDbSpec, type SqliteImage, type Value, varint} from '../support/sqlite-image.js'

/** Heap (MB) and time (ms) any one file may cost, whatever it claims. */
const HEAP_LIMIT_MB = 192
const CASE_MS = 3000

interface Outcome {
  code?: string
  environments?: number
  file: string
  heapMb: number
  line?: string
  ms: number
  profiles?: number
  unexpected?: string
}

/** Reads the files in a child with a small heap (test/support/profiles-db-reader.ts); a file that exhausts it kills the child. */
async function readInChild(files: string[], timeoutMs: number): Promise<Outcome[]> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--expose-gc', '--import', 'tsx', path.join(ROOT, 'test/support/profiles-db-reader.ts'), ...files],
    {stdio: ['ignore', 'pipe', 'pipe']},
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code, signal] = await new Promise<[null | number, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(timer)
  const outcomes = out
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Outcome)
  expect(
    {code, signal},
    `the reader child ended early after ${outcomes.length} of ${files.length} files (next: ${files[outcomes.length]}): ${err.slice(-300)}`,
  ).to.deep.equal({code: 0, signal: null})
  return outcomes
}

/** Each file ended in rows or in the one-line CliError, within the time and heap bounds. */
function expectBounded(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    expect(o.unexpected, `${o.file}: not a CliError`).to.equal(undefined)
    if (o.line !== undefined) {
      expect(o.line, o.file).to.not.include('\n')
      expect(o.code, o.file).to.be.oneOf(['import_not_sqlite', 'import_too_new'])
    } else expect(o.profiles, o.file).to.be.a('number')
    expect(o.ms, `${o.file} took`).to.be.below(CASE_MS)
    expect(o.heapMb, `${o.file} left the heap at`).to.be.below(HEAP_LIMIT_MB * 0.75)
  }
}

/** The reader's words inside the one line ("… can't be read as a SQLite database (malformed: …)"). */
const reason = (line = '') => line.match(/can't be read as a SQLite database \((.*)\)$/)?.[1] ?? line

const profileRow = (i: number, padding = 0): Value[] => [
  `p${i}`,
  'https://api.cloud.llamaindex.ai',
  `proj-${i}`,
  `llx-${'k'.repeat(padding)}${i}`,
  null,
  null,
  `id-${i}`,
]

/** The files: each claims far more than its bytes hold. */
function repeatedCells(): Buffer {
  // 240 leaves of 67 rows (64 KiB pages): just under the 16 MiB a profiles.db may be.
  const image = buildSqliteImage(
    profilesDbSpec(
      Array.from({length: 240 * 67}, (_, i) => profileRow(i, 880)),
      {pageSize: 65_536},
    ),
  )
  expect(image.bytes.length).to.be.at.most(16 * 2 ** 20)
  const root = image.roots.get('profiles')!
  let leaves = 0
  for (const page of image.pages) {
    if (page.kind !== 'leaf' || page.number === root || page.number <= 1) continue
    if (!isUnder(image, page.number, root)) continue
    // Every pointer of the page names its first cell: 32,000 "rows" a page, 7.7 M in all.
    const base = (page.number - 1) * image.pageSize
    const cells = 32_000
    expect(page.cells[0]).to.be.above(8 + cells * 2)
    image.bytes.writeUInt16BE(cells, base + 3)
    for (let i = 0; i < cells; i++) image.bytes.writeUInt16BE(page.cells[0], base + 8 + i * 2)
    leaves++
  }

  expect(leaves).to.be.above(230)
  return image.bytes
}

/** Whether a leaf belongs to the table rooted at `root` (a child of that interior page). */
function isUnder(image: SqliteImage, leaf: number, root: number): boolean {
  const base = (root - 1) * image.pageSize
  if (image.bytes.readUInt32BE(base + 8) === leaf) return true
  return image.pages.find((p) => p.number === root)!.cells.some((offset) => image.bytes.readUInt32BE(base + offset) === leaf)
}

function wideSchema(columns: number, rows: number, pageSize = 4096): Buffer {
  const sql = `CREATE TABLE profiles (${'a,'.repeat(columns - 1)}a)`
  return buildSqliteImage({pageSize, tables: [{name: 'profiles', rows: Array.from({length: rows}, (_, i) => profileRow(i)), sql}]}).bytes
}

describe('SqliteFile against hostile profiles.db files: bounded time and heap, one line', function () {
  this.timeout(180_000)
  let dir: string
  let cleanup: () => void

  beforeEach(() => ({cleanup, dir} = tempConfigDir()))
  afterEach(() => cleanup())

  it('refuses the issue files (7.7 M repeated cells in 16 MiB; a 4 MiB schema of 2 M columns over 30 k rows; a 15 MiB schema with one row) within seconds and a 192 MB heap', async () => {
    const files = {
      repeated: repeatedCells(),
      wide: wideSchema(2_000_000, 30_000),
      huge: wideSchema(7_800_000, 1, 65_536),
    }
    const paths = Object.entries(files).map(([name, bytes]) => {
      const file = path.join(dir, `${name}.db`)
      writeFileSync(file, bytes)
      return file
    })
    const outcomes = await readInChild(paths, 60_000)
    expectBounded(outcomes)
    expect(outcomes.map((o) => reason(o.line))).to.deep.equal([
      `malformed: cells of page ${outcomes[0].line?.match(/page (\d+)/)?.[1]} overlap`,
      'the schema of table "profiles" is 4000023 characters long (at most 65536 read)',
      'the schema of table "profiles" is 15600023 characters long (at most 65536 read)',
    ])
  })

  it("reads a legal table of 2,000 columns over 20,000 rows quickly, and refuses 2,001 columns (SQLite's own limit)", () => {
    const start = performance.now()
    const db = new SqliteFile(wideSchema(2000, 20_000))
    const rows = db.rows('profiles', ['a'])
    expect(rows).to.have.length(20_000)
    expect(performance.now() - start).to.be.below(CASE_MS)
    expect(() => new SqliteFile(wideSchema(2001, 1)).rows('profiles')).to.throw('table "profiles" has 2001 columns (SQLite allows 2000)')
  })

  it('caps the rows read at 200,000, however small the cells', () => {
    // 210,000 one-value rows: each cell a few bytes, so the file stays small.
    const sql = 'CREATE TABLE profiles (name)'
    const bytes = buildSqliteImage({pageSize: 65_536, tables: [{name: 'profiles', rows: Array.from({length: 210_000}, () => [null]), sql}]}).bytes
    expect(bytes.length).to.be.below(16 * 2 ** 20)
    expect(() => new SqliteFile(bytes).rows('profiles')).to.throw('more than 200000 rows, far more than a profiles.db holds')
  })

  it('fuzz: 300 structure-aware mutations of real images (header, page types, cell pointers, varints, overflow chains, record types, schema SQL) each end in rows or one line, within time and heap bounds', async () => {
    const random = mulberry32(0x5eed_2024)
    const files: string[] = []
    const applied: string[] = []
    for (let n = 0; n < 300; n++) {
      const {image, sqlKind} = baseImage(random)
      const names = [sqlKind]
      for (let m = 0, count = 1 + Math.floor(random() * 3); m < count; m++) names.push(mutate(image, random))
      const file = path.join(dir, `case-${n}.db`)
      writeFileSync(file, image.bytes.subarray(0, truncation(image, random, names)))
      files.push(file)
      applied.push(names.join(' + '))
    }

    const outcomes = await readInChild(files, 150_000)
    for (const [i, o] of outcomes.entries()) o.file = `case ${i} (${applied[i]})`
    expectBounded(outcomes)
    // The mutations reach the structure: many kinds of refusal, and some files still read.
    const kinds = new Set(outcomes.flatMap((o) => (o.line ? [reason(o.line).replaceAll(/\d+/g, 'N')] : [])))
    if (process.env.FUZZ_REPORT) console.log([...kinds].join('\n'), Math.max(...outcomes.map((o) => o.ms)), Math.max(...outcomes.map((o) => o.heapMb)))
    expect(kinds.size, [...kinds].join('\n')).to.be.above(12)
    expect(outcomes.filter((o) => o.profiles !== undefined).length).to.be.above(20)
  })
})

/** A small deterministic PRNG, so a failing case can be run again. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d_2b_79_f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]

/** Hostile CREATE TABLE texts for the profiles table, the legal one among them. */
const SQL_KINDS: Record<string, (random: () => number) => string> = {
  legal: () => PROFILES_SQL,
  'unterminated quote': () => `CREATE TABLE profiles (name, "api_url${"'".repeat(5000)}`,
  'deep parentheses': () => `CREATE TABLE profiles (name DEFAULT ${'('.repeat(20_000)}1${')'.repeat(20_000)}, api_url)`,
  'many columns': (random) => `CREATE TABLE profiles (${Array.from({length: 1500 + Math.floor(random() * 1000)}, (_, i) => `c${i}`).join(', ')})`,
  'megabytes of columns': (random) => `CREATE TABLE profiles (name, ${'x,'.repeat(Math.floor((1 + random() * 2) * 2 ** 19))}api_url)`,
  'long comment': () => `CREATE TABLE profiles (name, /* ${'*'.repeat(60_000)} */ api_url, project_id)`,
  'no parentheses': () => 'CREATE TABLE profiles',
  'without rowid': () => `${PROFILES_SQL} WITHOUT ROWID`,
  'quotes of quotes': () => `CREATE TABLE profiles ('${"''".repeat(20_000)}', name)`,
}

function baseImage(random: () => number): {image: SqliteImage; sqlKind: string} {
  const pageSize = pick(random, [512, 1024, 4096, 65_536])
  const rows = pick(random, [0, 1, 3, 40, 400])
  const profiles = Array.from({length: rows}, (_, i) => {
    const row = profileRow(i)
    if (random() < 0.2) row[5] = JSON.stringify({device_access_token: 'a'.repeat(Math.floor(random() * 9000)), user_id: 'u'})
    if (random() < 0.1) row[3] = 'k'.repeat(Math.floor(random() * 3000))
    return row
  })
  const spec: ImageSpec = profilesDbSpec(profiles, {current: 'p0', pageSize})
  const sqlKind = random() < 0.7 ? 'legal' : pick(random, Object.keys(SQL_KINDS))
  spec.tables[0].sql = SQL_KINDS[sqlKind](random)
  return {image: buildSqliteImage(spec), sqlKind: `sql: ${sqlKind}`}
}

/** One damage where the structure is: names what it did. */
function mutate(image: SqliteImage, random: () => number): string {
  const {bytes, pageSize} = image
  const count = bytes.length / pageSize
  const trees = image.pages.filter((p) => p.kind !== 'overflow')
  const page = pick(random, trees)
  const base = (page.number - 1) * pageSize
  const h = base + page.header
  const anyPage = () => pick(random, [0, 1, page.number, count, count + 1, 0xff_ff_ff_ff, 1 + Math.floor(random() * count)])
  const kinds: Record<string, () => void> = {
    'header: page size': () => bytes.writeUInt16BE(pick(random, [0, 1, 256, 512, 1000, 4096, 32_768, 65_535]), 16),
    'header: reserved bytes': () => (bytes[20] = Math.floor(random() * 256)),
    'header: encoding': () => bytes.writeUInt32BE(Math.floor(random() * 6), 56),
    'header: user_version': () => bytes.writeInt32BE(pick(random, [-1, 0, 1, 2, 3, 2 ** 31 - 1]), 60),
    'header: format version': () => (bytes[19] = Math.floor(random() * 4)),
    'page type': () => (bytes[h] = pick(random, [0x00, 0x02, 0x05, 0x0a, 0x0d, 0xff])),
    'cell count': () => bytes.writeUInt16BE(pick(random, [0, 1, page.cells.length + 1, Math.floor((pageSize - page.header - 12) / 2), 0xff_ff]), h + 3),
    'every pointer at one cell': () => {
      if (page.cells.length === 0) return
      const first = Math.max(...page.cells)
      const pointers = page.header + (page.kind === 'interior' ? 12 : 8)
      const cells = Math.floor((first - pointers) / 2)
      bytes.writeUInt16BE(cells, h + 3)
      for (let i = 0; i < cells; i++) bytes.writeUInt16BE(first, base + pointers + i * 2)
    },
    'a pointer elsewhere': () => {
      if (page.cells.length === 0) return
      const pointers = page.header + (page.kind === 'interior' ? 12 : 8)
      const at = base + pointers + 2 * Math.floor(random() * page.cells.length)
      bytes.writeUInt16BE(pick(random, [0, page.header, pointers, pageSize - 1, 0xff_ff, page.cells[0] + 1, Math.floor(random() * pageSize)]), at)
    },
    'right-most child': () => {
      if (page.kind === 'interior') bytes.writeUInt32BE(anyPage(), h + 8)
    },
    'a child pointer': () => {
      if (page.kind === 'interior' && page.cells.length > 0) bytes.writeUInt32BE(anyPage(), base + pick(random, page.cells))
    },
    'payload size varint': () => {
      if (page.kind !== 'leaf' || page.cells.length === 0) return
      const at = base + pick(random, page.cells)
      varint(pick(random, [0, 1, 2 ** 31, 2 ** 53, Math.floor(random() * 2 ** 24), -1])).copy(bytes, at)
    },
    'rowid varint': () => {
      if (page.kind !== 'leaf' || page.cells.length === 0) return
      const at = base + pick(random, page.cells)
      const sizeLength = bytes.subarray(at, at + 9).findIndex((b) => b < 0x80) + 1
      bytes.fill(0xff, at + sizeLength, Math.min(at + sizeLength + 9, base + pageSize))
    },
    'record serial type': () => {
      if (page.kind !== 'leaf' || page.cells.length === 0) return
      const at = base + pick(random, page.cells) + 2 + Math.floor(random() * 4)
      varint(pick(random, [10, 11, 12, 13, 2 ** 20 + 13, 2 ** 40, 2 ** 60])).copy(bytes, at)
    },
    'overflow chain': () => {
      const overflow = image.pages.filter((p) => p.kind === 'overflow')
      if (overflow.length === 0) return
      const victim = pick(random, overflow)
      bytes.writeUInt32BE(pick(random, [0, 1, victim.number, overflow[0].number, count + 1, 0xff_ff_ff_ff]), (victim.number - 1) * pageSize)
    },
    'bytes of a page': () => {
      for (let i = 0; i < 8; i++) bytes[base + Math.floor(random() * pageSize)] = Math.floor(random() * 256)
    },
  }
  const name = pick(random, Object.keys(kinds))
  kinds[name]()
  return name
}

/** Most files whole; some cut at a page boundary or anywhere. */
function truncation(image: SqliteImage, random: () => number, names: string[]): number {
  const r = random()
  if (r > 0.1) return image.bytes.length
  names.push('truncated')
  return r < 0.05 ? image.pageSize * Math.floor(random() * (image.bytes.length / image.pageSize)) : Math.floor(random() * image.bytes.length)
}
