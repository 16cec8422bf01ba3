import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {readPythonProfilesDb} from '../../src/stores/python-profiles-db.js'
import {tempConfigDir} from '../support/cli.js'
import {buildProfilesDb, deviceOidc, fingerprint, holdWrite, PY_DEFAULT_API_URL} from '../support/python-profiles-db.js'

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
