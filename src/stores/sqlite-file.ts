/**
 * A read-only reader of the SQLite file format (https://www.sqlite.org/fileformat2.html), just
 * enough to read the rows of ordinary rowid tables from a database image held in memory: the
 * header, table b-trees (interior and leaf pages), overflow chains, records, and the CREATE TABLE
 * text of `sqlite_schema` for column names. No SQL, no indexes, no WITHOUT ROWID tables, no WAL
 * (the caller refuses a file whose WAL has frames). It never touches a file: it reads bytes it is
 * given, so it can create no lock, journal or WAL beside the database.
 *
 * It replaces a WebAssembly SQLite (31 MB installed) for the one-time import of the Python
 * llamactl's profiles.db. Damaged or hostile input throws SqliteFormatError (one line), never loops,
 * and costs time and memory in proportion to the image, whatever it claims: every page is visited
 * at most once per table, the cells of a page may not overlap (a page whose pointers repeat one
 * cell would otherwise claim millions of rows), and rows, columns and schema text are capped
 * (MAX_CELLS, MAX_COLUMNS, MAX_SCHEMA_SQL) far above what a profiles.db holds.
 */
import {TextDecoder} from 'node:util'

/** A value as SQLite stores it: declared column types are not enforced, so any column may hold any of these. */
export type SqlValue = null | number | string | Uint8Array

/** The image is not a SQLite database this reader can read; the message is one line. */
export class SqliteFormatError extends Error {
  override name = 'SqliteFormatError'
}

/** A table of `sqlite_schema`: its root page and its CREATE TABLE text, parsed only when the table is read. */
export interface TableEntry {
  rootPage: number
  sql: string
}

type Columns = Array<{defaultValue: SqlValue; name: string; rowidAlias: boolean}>

/**
 * Cells (rows and interior entries) read from one image, all tables together. A profiles.db holds
 * a few dozen rows; SQLite's smallest cells would let a 16 MiB image claim millions, each a
 * JavaScript object.
 */
export const MAX_CELLS = 200_000
/** SQLite's own default limit (SQLITE_MAX_COLUMN): a table or record with more is not one SQLite wrote. */
export const MAX_COLUMNS = 2000
/** Longest CREATE TABLE text parsed: the Python llamactl's are a few hundred characters. */
export const MAX_SCHEMA_SQL = 64 * 1024

const MAGIC = 'SQLite format 3\0'
const TABLE_LEAF = 0x0d
const TABLE_INTERIOR = 0x05
const DECODERS = {1: new TextDecoder('utf-8'), 2: new TextDecoder('utf-16le'), 3: new TextDecoder('utf-16be')} as const
const TABLE_CONSTRAINT = /^(constraint|primary|unique|check|foreign)\b/i

export class SqliteFile {
  /** `PRAGMA user_version`: the 4-byte big-endian integer at offset 60 of the header. */
  readonly userVersion: number
  private readonly decoder: TextDecoder
  private readonly pageCount: number
  private readonly pageSize: number
  private readonly parsed = new Map<string, Columns | undefined>()
  private schema?: Map<string, TableEntry>
  /** Cells read so far, against MAX_CELLS. */
  private spent = 0
  private readonly usable: number
  private readonly view: DataView

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < 100 || new TextDecoder('latin1').decode(bytes.subarray(0, 16)) !== MAGIC) throw new SqliteFormatError('not a SQLite database')
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const rawPageSize = this.view.getUint16(16)
    this.pageSize = rawPageSize === 1 ? 65_536 : rawPageSize
    if (this.pageSize < 512 || this.pageSize > 65_536 || (this.pageSize & (this.pageSize - 1)) !== 0)
      throw new SqliteFormatError(`malformed header: page size ${rawPageSize}`)
    // Read version 1 is a rollback journal, 2 is WAL; a larger one is a format this reader doesn't know.
    if (bytes[19] > 2) throw new SqliteFormatError(`unsupported file format version ${bytes[19]}`)
    this.usable = this.pageSize - bytes[20]
    if (this.usable < 480) throw new SqliteFormatError('malformed header: reserved space')
    this.pageCount = Math.floor(bytes.length / this.pageSize)
    if (this.pageCount < 1) throw new SqliteFormatError('truncated: shorter than one page')
    const encoding = this.view.getUint32(56)
    // 0 is an empty database that never had a schema written: SQLite treats it as UTF-8.
    if (encoding > 3) throw new SqliteFormatError(`malformed header: text encoding ${encoding}`)
    this.decoder = DECODERS[(encoding || 1) as 1 | 2 | 3]
    this.userVersion = this.view.getInt32(60)
  }

  /** The column names of a table, in declaration order (ALTER TABLE ADD COLUMN appends), or undefined when there is no such table. */
  columns(table: string): string[] | undefined {
    return this.tables().has(table) ? this.columnsOf(table).map((c) => c.name) : undefined
  }

  /**
   * Every row of a table in rowid order, keyed by column name; a row written before ADD COLUMN
   * gets the column's default. With `wanted`, only those columns (a name the table lacks is null),
   * and only the values up to the last of them are decoded.
   */
  rows(table: string, wanted?: readonly string[]): Array<Record<string, SqlValue>> {
    const entry = this.tables().get(table)
    if (!entry) throw new SqliteFormatError(`no table ${table}`)
    const columns = this.columnsOf(table)
    const picked = (wanted ?? columns.map((c) => c.name)).map((name) => [name, columns.findIndex((c) => c.name === name)] as const)
    const needed = Math.max(0, ...picked.map(([, i]) => i + 1))
    const out: Array<Record<string, SqlValue>> = []
    this.scan(
      entry.rootPage,
      (rowid, values) => {
        const row: Record<string, SqlValue> = {}
        for (const [name, i] of picked) {
          const column = columns[i]
          row[name] = column === undefined ? null : column.rowidAlias && values[i] === null ? rowid : i < values.length ? values[i] : column.defaultValue
        }

        out.push(row)
      },
      needed,
    )
    return out
  }

  /** The tables of `sqlite_schema` that have rows of their own (a root page), by name; their CREATE TABLE text is parsed when read. */
  tables(): Map<string, TableEntry> {
    if (this.schema) return this.schema
    const tables = new Map<string, TableEntry>()
    // sqlite_schema: type, name, tbl_name, rootpage, sql; its root is page 1.
    this.scan(
      1,
      (_rowid, [type, name, , rootPage, sql]) => {
        if (type !== 'table' || typeof name !== 'string' || typeof sql !== 'string' || typeof rootPage !== 'number' || rootPage < 1) return
        tables.set(name, {rootPage, sql})
      },
      5,
    )
    this.schema = tables
    return tables
  }

  /** A table's columns, its CREATE TABLE text parsed once and only when under MAX_SCHEMA_SQL. */
  private columnsOf(table: string): Columns {
    if (!this.parsed.has(table)) {
      const {sql} = this.tables().get(table)!
      if (sql.length > MAX_SCHEMA_SQL)
        throw new SqliteFormatError(
          `the schema of table ${JSON.stringify(table.slice(0, 40))} is ${sql.length} characters long (at most ${MAX_SCHEMA_SQL} read)`,
        )
      const columns = parseCreateTable(sql)
      if (columns && columns.length > MAX_COLUMNS)
        throw new SqliteFormatError(`table ${JSON.stringify(table.slice(0, 40))} has ${columns.length} columns (SQLite allows ${MAX_COLUMNS})`)
      this.parsed.set(table, columns)
    }

    const columns = this.parsed.get(table)
    if (!columns) throw new SqliteFormatError(`table ${JSON.stringify(table.slice(0, 40))} is not an ordinary rowid table`)
    return columns
  }

  /** The first `count` values of a record (its header may list more, up to MAX_COLUMNS). */
  private decodeRecord(payload: Uint8Array, count: number): SqlValue[] {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    const [headerSize, first] = varint(payload, 0)
    if (headerSize > payload.length || headerSize < first) throw new SqliteFormatError('malformed record header')
    const values: SqlValue[] = []
    let at = headerSize
    let types = 0
    for (let next = first; next < headerSize;) {
      const [type, after] = varint(payload, next)
      next = after
      if (++types > MAX_COLUMNS) throw new SqliteFormatError(`malformed record: more than ${MAX_COLUMNS} values`)
      const size = serialSize(type)
      if (at + size > payload.length) throw new SqliteFormatError('malformed record: a value runs past its cell')
      if (values.length < count) values.push(readValue(view, payload, type, at, size, this.decoder))
      at += size
    }

    return values
  }

  private page(number: number): Uint8Array {
    if (!Number.isInteger(number) || number < 1 || number > this.pageCount) throw new SqliteFormatError(`malformed: page ${number} is outside the file`)
    return this.bytes.subarray((number - 1) * this.pageSize, number * this.pageSize)
  }

  /** The whole payload of a cell: its local part, then the overflow chain (each page: next page number, then data). */
  private payload(page: Uint8Array, start: number, size: number, seen: Set<number>): Uint8Array {
    const local = this.localSize(size)

    if (start + local + (local < size ? 4 : 0) > this.usable) throw new SqliteFormatError('malformed: a cell runs past its page')
    if (local === size) return page.subarray(start, start + size)
    // Each overflow page holds usable - 4 bytes and is used once: a larger claim can't be true.
    if (size - local > this.pageCount * (this.usable - 4)) throw new SqliteFormatError('malformed: a cell is larger than the file')
    const out = new Uint8Array(size)
    out.set(page.subarray(start, start + local))
    let filled = local
    let next = new DataView(page.buffer, page.byteOffset).getUint32(start + local)
    while (filled < size) {
      if (seen.has(next)) throw new SqliteFormatError(`malformed: page ${next} is used twice`)
      seen.add(next)
      const overflow = this.page(next)
      const chunk = Math.min(size - filled, this.usable - 4)
      out.set(overflow.subarray(4, 4 + chunk), filled)
      filled += chunk
      next = new DataView(overflow.buffer, overflow.byteOffset).getUint32(0)
    }

    return out
  }

  /**
   * Visits the rows of the table b-tree rooted at `root` in rowid order (depth first, left to
   * right), each with its first `count` values.
   */
  private scan(root: number, visit: (rowid: number, values: SqlValue[]) => void, count: number): void {
    const seen = new Set<number>()
    // An explicit stack: a damaged file can't overflow the call stack.
    const stack: number[] = [root]
    while (stack.length > 0) {
      const number = stack.pop()!
      if (seen.has(number)) throw new SqliteFormatError(`malformed: page ${number} is used twice`)
      seen.add(number)
      const page = this.page(number)
      const header = number === 1 ? 100 : 0
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
      const type = page[header]
      if (type !== TABLE_LEAF && type !== TABLE_INTERIOR) throw new SqliteFormatError(`malformed: page ${number} is not a table b-tree page`)
      const interior = type === TABLE_INTERIOR
      const cells = view.getUint16(header + 3)
      const pointers = header + (interior ? 12 : 8)
      if (pointers + cells * 2 > this.usable) throw new SqliteFormatError(`malformed: page ${number} has too many cells`)
      this.spent += cells
      if (this.spent > MAX_CELLS) throw new SqliteFormatError(`more than ${MAX_CELLS} rows, far more than a profiles.db holds`)
      const starts: number[] = []
      for (let i = 0; i < cells; i++) {
        const offset = view.getUint16(pointers + i * 2)
        if (offset < pointers + cells * 2 || offset >= this.usable) throw new SqliteFormatError(`malformed: page ${number} points outside itself`)
        starts.push(offset)
      }

      // Where each cell ends; two cells may not share a byte (as SQLite's integrity check demands).
      const extents: Array<[number, number]> = []
      const ends = (i: number, end: number) => extents.push([starts[i], end])

      if (interior) {
        // Children in key order: cell i's left child, ..., then the right-most pointer; pushed in reverse.
        const children: number[] = []
        for (let i = 0; i < cells; i++) {
          if (starts[i] + 4 > this.usable) throw new SqliteFormatError(`malformed: a cell of page ${number} runs past its page`)
          children.push(view.getUint32(starts[i]))
          ends(i, varint(page, starts[i] + 4)[1])
        }

        assertDisjoint(extents, number)
        stack.push(view.getUint32(header + 8))
        for (let i = cells - 1; i >= 0; i--) stack.push(children[i])
        continue
      }

      const rows: Array<[rowid: number, start: number, size: number]> = []
      for (let i = 0; i < cells; i++) {
        const [size, afterSize] = varint(page, starts[i])
        const [rowid, start] = varint(page, afterSize)
        if (size > this.bytes.length) throw new SqliteFormatError(`malformed: a cell of page ${number} is larger than the file`)
        const local = this.localSize(size)
        ends(i, start + local + (local < size ? 4 : 0))
        rows.push([rowid, start, size])
      }

      assertDisjoint(extents, number)
      for (const [rowid, start, size] of rows) visit(rowid, this.decodeRecord(this.payload(page, start, size, seen), count))
    }
  }

  /** How much of a payload of `size` bytes sits on the b-tree page itself (the rest overflows). */
  private localSize(size: number): number {
    const maxLocal = this.usable - 35
    if (size <= maxLocal) return size
    const minLocal = Math.floor(((this.usable - 12) * 32) / 255) - 23
    const k = minLocal + ((size - minLocal) % (this.usable - 4))
    return k <= maxLocal ? k : minLocal
  }
}

/** Refuses cells that share bytes: each [start, end) must end before the next begins. */
function assertDisjoint(extents: Array<[number, number]>, page: number): void {
  extents.sort((a, b) => a[0] - b[0])
  for (let i = 1; i < extents.length; i++) if (extents[i][0] < extents[i - 1][1]) throw new SqliteFormatError(`malformed: cells of page ${page} overlap`)
}

/** A SQLite varint (1 to 9 bytes, big-endian, 7 bits a byte but 8 in the ninth) and the offset after it. */
function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0
  for (let i = 0; i < 9; i++) {
    if (at + i >= bytes.length) throw new SqliteFormatError('malformed: a number runs past its page')
    const byte = bytes[at + i]
    if (i === 8) return [value * 256 + byte, at + 9]
    value = value * 128 + (byte & 0x7f)
    if (byte < 0x80) return [value, at + i + 1]
  }

  /* c8 ignore next */
  throw new SqliteFormatError('malformed varint')
}

function serialSize(type: number): number {
  if (type >= 12) return Math.floor((type - 12) / 2)
  const sizes = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0]
  if (type >= sizes.length) throw new SqliteFormatError(`malformed record: serial type ${type}`)
  return sizes[type]
}

function readValue(view: DataView, payload: Uint8Array, type: number, at: number, size: number, decoder: TextDecoder): SqlValue {
  switch (type) {
    case 0: {
      return null
    }

    case 1: {
      return view.getInt8(at)
    }

    case 2: {
      return view.getInt16(at)
    }

    case 3: {
      return (view.getInt8(at) << 16) | view.getUint16(at + 1)
    }

    case 4: {
      return view.getInt32(at)
    }

    case 5: {
      return view.getInt16(at) * 2 ** 32 + view.getUint32(at + 2)
    }

    case 6: {
      return Number(view.getBigInt64(at))
    }

    case 7: {
      return view.getFloat64(at)
    }

    case 8: {
      return 0
    }

    case 9: {
      return 1
    }

    default: {
      const bytes = payload.subarray(at, at + size)
      return type % 2 === 0 ? Uint8Array.from(bytes) : decoder.decode(bytes)
    }
  }
}

/**
 * The columns of a `CREATE TABLE name (...)` statement as SQLite keeps it in sqlite_schema (ALTER
 * TABLE ADD COLUMN edits that text, so it lists every column): the column definitions between the
 * outer parentheses, without table constraints. Undefined for what isn't an ordinary rowid table
 * (`AS SELECT`, `WITHOUT ROWID`, virtual tables).
 */
export function parseCreateTable(sql: string): Columns | undefined {
  const tokens = tokenize(sql)
  const open = tokens.indexOf('(')
  if (open < 0) return undefined
  let depth = 0
  let close = -1
  const parts: string[][] = [[]]
  for (let i = open + 1; i < tokens.length; i++) {
    const token = tokens[i]
    if (token === '(') depth++
    if (token === ')' && depth-- === 0) {
      close = i
      break
    }

    if (token === ',' && depth === 0) parts.push([])
    else parts.at(-1)!.push(token)
  }

  if (close < 0 || /without\s+rowid/i.test(tokens.slice(close + 1).join(' '))) return undefined
  return parts
    .filter((part) => part.length > 0 && !TABLE_CONSTRAINT.test(part[0]))
    .map((part) => {
      const words = part.slice(1).join(' ')
      const defaultAt = part.findIndex((t) => /^default$/i.test(t))
      return {
        defaultValue: defaultAt > 0 ? literal(part.slice(defaultAt + 1)) : null,
        name: unquote(part[0]),
        // INTEGER PRIMARY KEY (but not ... DESC, a SQLite quirk) names the rowid, stored as NULL in the record.
        rowidAlias: /^integer primary key\b(?! desc\b)/i.test(words),
      }
    })
}

/** Identifiers, quoted names and strings, numbers and punctuation; comments dropped. */
function tokenize(sql: string): string[] {
  const tokens: string[] = []
  const pattern = /\s+|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|\d+(?:\.\d*)?(?:e[+-]?\d+)?|[\w$]+|[^\s\w]/gi
  for (const [token] of sql.matchAll(pattern)) if (!/^(\s|--|\/\*)/.test(token)) tokens.push(token)
  return tokens
}

function unquote(token: string): string {
  const quote = token[0]
  if (quote === '[') return token.slice(1, -1)
  if (quote === '"' || quote === '`' || quote === "'") return token.slice(1, -1).replaceAll(quote + quote, quote)
  return token
}

/** A DEFAULT that is a literal (number, string, NULL, TRUE/FALSE); anything else reads as null. */
function literal(tokens: string[]): SqlValue {
  const [first, second] = tokens
  if (first === undefined) return null
  if (first.startsWith("'")) return unquote(first)
  const sign = first === '-' ? -1 : 1
  const number = first === '-' || first === '+' ? second : first
  if (number !== undefined && /^\d/.test(number) && Number.isFinite(Number(number))) return sign * Number(number)
  if (/^true$/i.test(first)) return 1
  if (/^false$/i.test(first)) return 0
  return null
}
