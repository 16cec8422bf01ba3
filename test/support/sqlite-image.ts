/**
 * Writes SQLite database images in TypeScript, from the file format
 * (https://www.sqlite.org/fileformat2.html): page 1 with the header and `sqlite_schema`, table
 * b-trees of any depth (leaf and interior pages), overflow chains and records, UTF-8. What it
 * writes is what SQLite writes for these tables (PRAGMA integrity_check passes on its images),
 * without needing Python or a SQLite library in the tests. It also returns where everything is
 * (pages, cells, overflow pages, cell pointers), so a fuzzer can damage a file where it counts.
 */

export type Value = bigint | null | number | string | Uint8Array

export interface TableSpec {
  name: string
  /** Rows in rowid order (rowids 1, 2, …). */
  rows: Value[][]
  /** The CREATE TABLE text stored in sqlite_schema, written as given (hostile text included). */
  sql: string
}

export interface ImageSpec {
  /** 512 to 65536 (default 4096). */
  pageSize?: number
  tables: TableSpec[]
  /** PRAGMA user_version (default 2). */
  userVersion?: number
}

export interface PageInfo {
  /** Offsets of the cells, in cell-pointer order (b-tree pages). */
  cells: number[]
  /** Offset of the page header in the page (100 on page 1, else 0). */
  header: number
  kind: 'interior' | 'leaf' | 'overflow'
  number: number
}

export interface SqliteImage {
  bytes: Buffer
  pageSize: number
  pages: PageInfo[]
  /** Root page of each table, by name. */
  roots: Map<string, number>
}

/**
 * The Python llamactl's schema 2 as SQLite keeps it after its ALTER TABLEs, without its PRIMARY
 * KEYs: those need index b-trees (sqlite_autoindex_*), which this writer doesn't write and the
 * reader never reads.
 */
export const PROFILES_SQL =
  'CREATE TABLE profiles (name TEXT NOT NULL, api_url TEXT NOT NULL, project_id TEXT NOT NULL,\n                       api_key TEXT, api_key_id TEXT, device_oidc TEXT, id TEXT)'
const SETTINGS_SQL = 'CREATE TABLE settings (key TEXT, value TEXT NOT NULL)'
const ENVIRONMENTS_SQL = 'CREATE TABLE environments (api_url TEXT, requires_auth INTEGER NOT NULL, min_llamactl_version TEXT)'

/** A profiles.db like the Python llamactl's (schema 2; no indexes, which the reader never reads). */
export function profilesDbSpec(profiles: Value[][], options: {current?: string; pageSize?: number} = {}): ImageSpec {
  const settings: Value[][] = [['current_environment_api_url', 'https://api.cloud.llamaindex.ai']]
  if (options.current) settings.push(['current_profile', options.current])
  return {
    pageSize: options.pageSize,
    tables: [
      {name: 'profiles', rows: profiles, sql: PROFILES_SQL},
      {name: 'settings', rows: settings, sql: SETTINGS_SQL},
      {name: 'environments', rows: [['https://api.cloud.llamaindex.ai', 1, null]], sql: ENVIRONMENTS_SQL},
    ],
  }
}

/** Writes the image. Page 1 must hold the whole schema table (it does for a few tables). */
export function buildSqliteImage(spec: ImageSpec): SqliteImage {
  const pageSize = spec.pageSize ?? 4096
  const pages: Buffer[] = [Buffer.alloc(pageSize)]
  const infos: PageInfo[] = []
  const roots = new Map<string, number>()
  const writer = new TreeWriter(pageSize, pages, infos)

  const schemaRows: Value[][] = []
  for (const table of spec.tables) {
    const root = writer.tree(table.rows)
    roots.set(table.name, root)
    schemaRows.push(['table', table.name, table.name, root, table.sql])
  }

  writer.tree(schemaRows, true)

  const bytes = Buffer.concat(pages)
  bytes.write('SQLite format 3\0', 0, 'latin1')
  bytes.writeUInt16BE(pageSize === 65_536 ? 1 : pageSize, 16)
  bytes[18] = 1
  bytes[19] = 1
  bytes[20] = 0
  bytes[21] = 64
  bytes[22] = 32
  bytes[23] = 32
  bytes.writeUInt32BE(1, 24) // file change counter
  bytes.writeUInt32BE(pages.length, 28) // database size in pages
  bytes.writeUInt32BE(1, 40) // schema cookie
  bytes.writeUInt32BE(4, 44) // schema format
  bytes.writeUInt32BE(1, 56) // UTF-8
  bytes.writeInt32BE(spec.userVersion ?? 2, 60)
  bytes.writeUInt32BE(1, 92) // version-valid-for = change counter
  bytes.writeUInt32BE(3_045_000, 96)
  infos.sort((a, b) => a.number - b.number)
  return {bytes, pageSize, pages: infos, roots}
}

class TreeWriter {
  private readonly usable: number

  constructor(
    private readonly pageSize: number,
    private readonly pages: Buffer[],
    private readonly infos: PageInfo[],
  ) {
    this.usable = pageSize
  }

  /** A table leaf cell: payload size, rowid, the local payload, and the first overflow page when it spills. */
  leafCell(rowid: number, payload: Buffer): Buffer {
    const local = localSize(payload.length, this.usable)
    const head = Buffer.concat([varint(payload.length), varint(rowid), payload.subarray(0, local)])
    if (local === payload.length) return head
    const first = this.overflow(payload.subarray(local))
    const pointer = Buffer.alloc(4)
    pointer.writeUInt32BE(first)
    return Buffer.concat([head, pointer])
  }

  /** Fills a b-tree page: header, cell pointers, cells packed from the end. */
  leafPage(page: Buffer, header: number, cells: Buffer[], number: number, rightChild?: number): void {
    const interior = rightChild !== undefined
    page[header] = interior ? 0x05 : 0x0d
    page.writeUInt16BE(cells.length, header + 3)
    const pointers = header + (interior ? 12 : 8)
    if (interior) page.writeUInt32BE(rightChild, header + 8)
    let end = this.usable
    const offsets: number[] = []
    for (const [i, cell] of cells.entries()) {
      end -= cell.length
      if (end < pointers + cells.length * 2) throw new Error(`page ${number} overflows: split the rows`)
      cell.copy(page, end)
      page.writeUInt16BE(end, pointers + i * 2)
      offsets.push(end)
    }

    page.writeUInt16BE(end === 65_536 ? 0 : end, header + 5)
    this.infos.push({cells: offsets, header, kind: interior ? 'interior' : 'leaf', number})
  }

  /** Writes a table b-tree and returns its root page: a new page, or page 1 (for sqlite_schema, after the file header). */
  tree(rows: Value[][], onPageOne = false): number {
    const header = onPageOne ? 100 : 0
    const rootPage = () => (onPageOne ? 1 : this.allocate())
    const cells = rows.map((row, i) => ({cell: this.leafCell(i + 1, record(row)), rowid: i + 1}))
    const fits = (group: Array<{cell: Buffer}>, room: number) => group.reduce((n, c) => n + c.cell.length + 2, 0) <= room
    if (fits(cells, this.usable - header - 8)) {
      const number = rootPage()
      this.leafPage(
        this.pages[number - 1],
        header,
        cells.map((c) => c.cell),
        number,
      )
      return number
    }

    // Leaves: as many cells as fit (the pointer array and the cells share the page).
    let level: Array<{key: number; page: number}> = []
    for (const group of pack(cells, this.usable - 8)) {
      const number = this.allocate()
      this.leafPage(
        this.pages[number - 1],
        0,
        group.map((c) => c.cell),
        number,
      )
      level.push({key: group.at(-1)!.rowid, page: number})
    }

    // Interior levels until the root holds them all: each cell is a left child and its largest rowid, the last child is the right-most pointer.
    for (;;) {
      const entries = level.map((child) => {
        const pointer = Buffer.alloc(4)
        pointer.writeUInt32BE(child.page)
        return {cell: Buffer.concat([pointer, varint(child.key)]), page: child.page, rowid: child.key}
      })
      const last = fits(entries, this.usable - header - 12)
      const next: typeof level = []
      for (const group of last ? [entries] : pack(entries, this.usable - 12)) {
        const number = last ? rootPage() : this.allocate()
        const right = group.at(-1)!
        this.leafPage(
          this.pages[number - 1],
          last ? header : 0,
          group.slice(0, -1).map((c) => c.cell),
          number,
          right.page,
        )
        next.push({key: right.rowid, page: number})
      }

      if (last) return next[0].page
      level = next
    }
  }

  private allocate(): number {
    this.pages.push(Buffer.alloc(this.pageSize))
    return this.pages.length
  }

  /** An overflow chain for the rest of a payload: each page is the next page's number, then data. */
  private overflow(rest: Buffer): number {
    const numbers: number[] = []
    for (let at = 0; at < rest.length; at += this.usable - 4) numbers.push(this.allocate())
    for (const [i, number] of numbers.entries()) {
      const page = this.pages[number - 1]
      page.writeUInt32BE(numbers[i + 1] ?? 0, 0)
      rest.subarray(i * (this.usable - 4), (i + 1) * (this.usable - 4)).copy(page, 4)
      this.infos.push({cells: [], header: 0, kind: 'overflow', number})
    }

    return numbers[0]
  }
}

/** Groups cells into pages: each cell costs its bytes plus a 2-byte pointer. */
function pack<T extends {cell: Buffer}>(cells: T[], room: number): T[][] {
  const groups: T[][] = [[]]
  let used = 0
  for (const cell of cells) {
    const cost = cell.cell.length + 2
    if (used + cost > room && groups.at(-1)!.length > 0) {
      groups.push([])
      used = 0
    }

    groups.at(-1)!.push(cell)
    used += cost
  }

  return groups
}

/** SQLite's split of a payload between the page and its overflow chain (table b-tree leaves). */
function localSize(size: number, usable: number): number {
  const maxLocal = usable - 35
  if (size <= maxLocal) return size
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23
  const k = minLocal + ((size - minLocal) % (usable - 4))
  return k <= maxLocal ? k : minLocal
}

/** A record: header size, serial types, then the values (integers in the fewest bytes, as SQLite). */
function record(values: Value[]): Buffer {
  const types: number[] = []
  const bodies: Buffer[] = []
  for (const value of values) {
    const [type, body] = serial(value)
    types.push(type)
    bodies.push(body)
  }

  const typeBytes = Buffer.concat(types.map((t) => varint(t)))
  let headerSize = typeBytes.length + 1
  while (varint(headerSize).length + typeBytes.length !== headerSize) headerSize = typeBytes.length + varint(headerSize).length
  return Buffer.concat([varint(headerSize), typeBytes, ...bodies])
}

function serial(value: Value): [number, Buffer] {
  if (value === null) return [0, Buffer.alloc(0)]
  if (typeof value === 'string') {
    const body = Buffer.from(value, 'utf8')
    return [body.length * 2 + 13, body]
  }

  if (value instanceof Uint8Array) return [value.length * 2 + 12, Buffer.from(value)]
  if (typeof value === 'number' && !Number.isInteger(value)) {
    const body = Buffer.alloc(8)
    body.writeDoubleBE(value)
    return [7, body]
  }

  const n = BigInt(value)
  if (n === 0n) return [8, Buffer.alloc(0)]
  if (n === 1n) return [9, Buffer.alloc(0)]
  for (const [type, bytes] of [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 6],
    [6, 8],
  ] as const) {
    const limit = 1n << BigInt(bytes * 8 - 1)
    if (n >= -limit && n < limit) {
      const body = Buffer.alloc(bytes)
      let v = BigInt.asUintN(bytes * 8, n)
      for (let i = bytes - 1; i >= 0; i--) {
        body[i] = Number(v & 0xffn)
        v >>= 8n
      }

      return [type, body]
    }
  }

  throw new Error(`integer out of range: ${value}`)
}

/** A SQLite varint: 7 bits a byte, big-endian, the ninth byte 8 bits. */
export function varint(value: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(value))
  if (v > 0x00ff_ffff_ffff_ffffn) {
    const out = Buffer.alloc(9)
    out[8] = Number(v & 0xffn)
    v >>= 8n
    for (let i = 7; i >= 0; i--) {
      out[i] = Number(v & 0x7fn) | 0x80
      v >>= 7n
    }

    return out
  }

  const bytes: number[] = [Number(v & 0x7fn)]
  v >>= 7n
  while (v > 0n) {
    bytes.unshift(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }

  return Buffer.from(bytes)
}
