import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {readPythonProfilesDb} from '../../src/stores/python-profiles-db.js'
import {tempConfigDir} from '../support/cli.js'
import {buildProfilesDb, deviceOidc, fingerprint, holdWrite, PY_DEFAULT_API_URL, tablePages} from '../support/python-profiles-db.js'

describe('readPythonProfilesDb (real profiles.db files made by Python sqlite3)', function () {
  this.timeout(30_000)
  let dir: string
  let cleanup: () => void
  let file: string

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    file = path.join(dir, 'profiles.db')
  })
  afterEach(() => cleanup())

  async function failure(options = {}): Promise<CliError> {
    const error = await readPythonProfilesDb(file, options).then(
      () => expect.fail('expected the read to fail'),
      (e: unknown) => e,
    )
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).line)
      .to.include(file)
      .and.not.include('\n')
    return error as CliError
  }

  it('reads a version 1 file: the v2 columns come back null, settings and the seeded environment are there', async () => {
    buildProfilesDb(file, {
      environments: [{api_url: 'http://127.0.0.1:8000', min_llamactl_version: '0.3.0', requires_auth: 0}],
      profiles: [
        {api_key: 'llx-v1-key-0123456789', api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'},
        {api_key: null, api_url: 'http://127.0.0.1:8000', name: 'local', project_id: 'default'},
      ],
      settings: {current_profile: 'work'},
      version: 1,
    })
    const db = await readPythonProfilesDb(file)
    expect(db.userVersion).to.equal(1)
    expect(db.profiles).to.deep.equal([
      {api_key: 'llx-v1-key-0123456789', api_key_id: null, api_url: PY_DEFAULT_API_URL, device_oidc: null, id: null, name: 'work', project_id: 'p1'},
      {api_key: null, api_key_id: null, api_url: 'http://127.0.0.1:8000', device_oidc: null, id: null, name: 'local', project_id: 'default'},
    ])
    expect(db.environments).to.deep.equal([
      {api_url: PY_DEFAULT_API_URL, min_llamactl_version: null, requires_auth: 1},
      {api_url: 'http://127.0.0.1:8000', min_llamactl_version: '0.3.0', requires_auth: 0},
    ])
    expect(Object.fromEntries(db.settings)).to.deep.equal({current_environment_api_url: PY_DEFAULT_API_URL, current_profile: 'work'})
  })

  it('reads a version 2 file, selecting the ALTER TABLE columns by name', async () => {
    const oidc = deviceOidc({accessToken: 'at-1', email: 'a@example.com', refreshToken: 'rt-1', sub: 'sub-a'})
    buildProfilesDb(file, {
      profiles: [
        {
          api_key: 'llx-minted-0123456789',
          api_key_id: 'key-1',
          api_url: PY_DEFAULT_API_URL,
          device_oidc: oidc,
          id: 'uuid-1',
          name: 'a@example.com',
          project_id: 'p1',
        },
      ],
    })
    const db = await readPythonProfilesDb(file)
    expect(db.userVersion).to.equal(2)
    expect(db.profiles).to.have.length(1)
    expect(db.profiles[0]).to.include({api_key: 'llx-minted-0123456789', api_key_id: 'key-1', id: 'uuid-1', name: 'a@example.com'})
    expect(JSON.parse(db.profiles[0].device_oidc as string)).to.deep.equal(oidc)
  })

  it('reads values longer than a page (overflow pages): a 12 kB device_oidc and a 5 kB api_key', async () => {
    const oidc = deviceOidc({accessToken: `at-${'a'.repeat(6000)}`, email: 'a@example.com', refreshToken: `rt-${'r'.repeat(6000)}`, sub: 'sub-a'})
    const apiKey = `llx-${'k'.repeat(5000)}`
    buildProfilesDb(file, {
      profiles: [
        {api_key: apiKey, api_key_id: 'key-1', api_url: PY_DEFAULT_API_URL, device_oidc: oidc, name: 'a@example.com', project_id: 'p1'},
        {api_key: 'llx-short-0123456789', api_url: PY_DEFAULT_API_URL, name: 'after', project_id: 'p2'},
      ],
    })
    expect(tablePages(file, 'profiles').pageSize, 'the values are longer than a page').to.be.below(5000)
    const db = await readPythonProfilesDb(file)
    expect(db.profiles.map((p) => p.name)).to.deep.equal(['a@example.com', 'after'])
    expect(db.profiles[0].api_key).to.equal(apiKey)
    expect(JSON.parse(db.profiles[0].device_oidc as string)).to.deep.equal(oidc)
    expect(db.profiles[1].api_key).to.equal('llx-short-0123456789')
  })

  it('reads a file the Python llamactl switched to WAL mode, once its WAL is checkpointed (closed)', async () => {
    buildProfilesDb(file, {})
    const holder = await holdWrite(file, 0, 'wal')
    await holder.done
    expect(readdirSync(dir), 'no WAL left').to.deep.equal(['profiles.db'])
    expect(readFileSync(file)[18], 'file format: WAL').to.equal(2)
    const db = await readPythonProfilesDb(file)
    expect(db.settings.get('in-wal')).to.equal('yes')
  })

  it('refuses damaged pages with one line, never loops or crashes: a page overwritten, a b-tree cycle, a truncated file', async () => {
    buildProfilesDb(file, {
      profiles: Array.from({length: 80}, (_, i) => ({api_key: `llx-${i}-${'k'.repeat(200)}`, api_url: PY_DEFAULT_API_URL, name: `p${i}`, project_id: 'p'})),
    })
    const good = readFileSync(file)
    const {pageSize, rootPage} = tablePages(file, 'profiles')
    const root = good.subarray((rootPage - 1) * pageSize, rootPage * pageSize)
    expect(root[0], 'profiles has interior pages').to.equal(0x05)
    const damaged = async (patch: (bytes: Buffer) => Buffer): Promise<string> => {
      writeFileSync(file, patch(Buffer.from(good)))
      const error = await failure()
      expect(error.code).to.equal('import_not_sqlite')
      return error.line
    }

    expect(await damaged((b) => b.fill(0x42, (rootPage - 1) * pageSize, rootPage * pageSize))).to.include(
      `(malformed: page ${rootPage} is not a table b-tree page)`,
    )
    // The right-most child of the root is the root itself.
    expect(await damaged((b) => (b.writeUInt32BE(rootPage, (rootPage - 1) * pageSize + 8), b))).to.include(`(malformed: page ${rootPage} is used twice)`)
    expect(await damaged((b) => (b.writeUInt32BE(0x7fffffff, (rootPage - 1) * pageSize + 8), b))).to.include('(malformed: page 2147483647 is outside the file)')
    expect(await damaged((b) => b.subarray(0, rootPage * pageSize))).to.match(/\(malformed: page \d+ is outside the file\)/)
  })

  it('survives 400 random corruptions of a real file: each read returns rows or fails with one line (bounded time)', async () => {
    const oidc = deviceOidc({accessToken: `at-${'a'.repeat(5000)}`, email: 'a@example.com', sub: 'sub-a'})
    buildProfilesDb(file, {
      profiles: [
        {api_key: 'llx-k', api_url: PY_DEFAULT_API_URL, device_oidc: oidc, name: 'big', project_id: 'p'},
        ...Array.from({length: 40}, (_, i) => ({api_key: `llx-${i}-${'k'.repeat(150)}`, api_url: PY_DEFAULT_API_URL, name: `p${i}`, project_id: 'p'})),
      ],
    })
    const good = readFileSync(file)
    // A fixed-seed generator: the same corruptions on every run.
    let seed = 20_240_601
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }

    const started = Date.now()
    const outcomes = {failed: 0, read: 0}
    for (let round = 0; round < 400; round++) {
      const bytes = Buffer.from(good)
      // Past the 100-byte header, so the damage is in the pages; 1 to 8 bytes at a time.
      for (let i = 0, n = 1 + random(8); i < n; i++) bytes[100 + random(bytes.length - 100)] = random(256)
      writeFileSync(file, bytes)
      try {
        await readPythonProfilesDb(file)
        outcomes.read++
      } catch (error) {
        expect(error, String(error)).to.be.instanceOf(CliError)
        expect((error as CliError).line).to.not.include('\n')
        outcomes.failed++
      }
    }

    expect(outcomes.failed, 'some corruptions were noticed').to.be.above(0)
    expect(Date.now() - started).to.be.below(20_000)
  })

  it('leaves the file byte-identical with the same mtime, and creates nothing beside it', async () => {
    buildProfilesDb(file, {profiles: [{api_key: 'llx-k-0123456789', api_url: PY_DEFAULT_API_URL, name: 'x', project_id: 'p'}]})
    const before = fingerprint(file)
    await readPythonProfilesDb(file)
    expect(fingerprint(file)).to.deep.equal(before)
    expect(readdirSync(dir)).to.deep.equal(['profiles.db'])
  })

  it('refuses a file that is not SQLite, and a SQLite header over garbage, naming the file', async () => {
    writeFileSync(file, 'name,api_url\nwork,https://example.com\n')
    expect((await failure()).code).to.equal('import_not_sqlite')
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4000, 7)]))
    expect((await failure()).code).to.equal('import_not_sqlite')
    writeFileSync(file, '')
    expect((await failure()).code).to.equal('import_not_sqlite')
  })

  it('refuses a newer user_version (3), naming it', async () => {
    buildProfilesDb(file, {userVersion: 3})
    const error = await failure()
    expect(error.code).to.equal('import_too_new')
    expect(error.line).to.include('schema 3').and.include('Upgrade llamactl')
  })

  it('refuses a SQLite file without a profiles table', async () => {
    execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(a)"); c.commit()', file])
    expect((await failure()).code).to.equal('import_not_sqlite')
  })

  it('says what is wrong with a path that is missing, a directory or a FIFO (without blocking on it)', async () => {
    expect((await failure()).code).to.equal('import_not_found')
    mkdirSync(file)
    const directory = await failure()
    expect(directory.code).to.equal('import_unreadable')
    expect(directory.line).to.include('is a directory')
    cleanup()
    ;({cleanup, dir} = tempConfigDir())
    file = path.join(dir, 'profiles.db')
    execFileSync('mkfifo', [file])
    const fifo = await failure()
    expect(fifo.code).to.equal('import_unreadable')
    expect(fifo.line).to.include('not a regular file')
  })

  it('waits for a Python writer holding a spilled transaction, then gives up with one line (locked)', async () => {
    buildProfilesDb(file, {})
    const holder = await holdWrite(file, 10_000, 'rollback')
    try {
      const started = Date.now()
      const error = await failure({busyWaitMs: 400, pollMs: 50})
      expect(error.code).to.equal('import_locked')
      expect(error.line).to.include('profiles.db-journal')
      expect(Date.now() - started).to.be.within(350, 5000)
    } finally {
      holder.kill()
      await holder.done
    }
  })

  it('reads what a writer committed when it finishes within the wait', async () => {
    buildProfilesDb(file, {})
    const holder = await holdWrite(file, 300, 'commit')
    const db = await readPythonProfilesDb(file, {busyWaitMs: 10_000, pollMs: 50})
    await holder.done
    expect(db.profiles.map((p) => p.name)).to.deep.equal(['late'])
    expect(db.settings.get('filler-299')).to.equal('x'.repeat(500))
  })

  it('refuses a hot journal left by a killed writer (the bytes are half-written)', async () => {
    buildProfilesDb(file, {})
    const holder = await holdWrite(file, 0, 'crash')
    await holder.done
    const error = await failure({busyWaitMs: 200, pollMs: 50})
    expect(error.code).to.equal('import_locked')
    expect(error.line).to.include('profiles.db-journal').and.include('PRAGMA user_version')
  })

  it('refuses while committed changes sit in profiles.db-wal (WAL mode, connection open)', async () => {
    buildProfilesDb(file, {})
    const holder = await holdWrite(file, 10_000, 'wal')
    try {
      const error = await failure({busyWaitMs: 200, pollMs: 50})
      expect(error.code).to.equal('import_locked')
      expect(error.line).to.include('profiles.db-wal')
    } finally {
      holder.kill()
      await holder.done
    }
  })
})
