import {expect} from 'chai'
import {chmodSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {DefaultServices} from '../../src/services/factory.js'
import type {StateDocument} from '../../src/stores/schema.js'
import {tempConfigDir} from '../support/cli.js'
import {readSecrets} from '../support/login-session.js'
import {buildSqliteImage, profilesDbSpec, type Value} from '../support/sqlite-image.js'

const PY = 'https://api.cloud.llamaindex.ai'
const KEY_A = 'llx-aaaaaaaaaaaaaaaaaaaaaaaa'
const KEY_B = 'llx-bbbbbbbbbbbbbbbbbbbbbbbb'
const KEY_A2 = 'llx-a2a2a2a2a2a2a2a2a2a2a2a2'

/** A profiles row as the Python llamactl writes an API-key profile (schema 2). */
const row = (name: string, key: null | string, project = 'p1', id = `uuid-${name}`): Value[] => [name, PY, project, key, null, null, id]

/**
 * The Python llamactl living beside this one on one config dir: profiles.db files are real
 * SQLite files (written by test/support/sqlite-image.ts, so no Python is needed), each "run" is
 * a fresh DefaultServices over the same dir (as a new process is), with the file secret store.
 */
describe('Bringing in what changed in profiles.db after the first import (real files, a run = new services)', function () {
  this.timeout(30_000)
  let dir: string
  let cleanup: () => void
  let db: string
  /** mtime of the next profiles.db write: distinct whatever the file system's clock granularity. */
  let clock: number

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    db = path.join(dir, 'profiles.db')
    clock = Math.floor(Date.now() / 1000) - 1000
  })
  afterEach(() => cleanup())

  /** The Python llamactl writes its file: these rows, this current profile. */
  const python = (rows: Value[][], current?: string) => {
    writeFileSync(db, buildSqliteImage(profilesDbSpec(rows, {current})).bytes, {mode: 0o600})
    clock += 10
    utimesSync(db, clock, clock)
  }

  /** One run of a command that reads the config: what it printed on stderr, warned, and the config after. */
  const run = async (then?: (services: DefaultServices) => Promise<unknown>) => {
    const warnings: string[] = []
    const services = new DefaultServices({configDir: dir, env: {LLAMACTL_SECRET_STORE: 'file'}, version: '0.1.0', warn: (m) => warnings.push(m)})
    const lines: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write
    try {
      await services.environmentStore.current()
      await then?.(services)
    } finally {
      process.stderr.write = write
    }

    return {config: config(), lines: lines.join(''), warnings}
  }

  const config = (): StateDocument => JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))
  const profile = (doc: StateDocument, name: string) => doc.profiles.find((p) => p.name === name)
  const secretOf = (doc: StateDocument, name: string) => readSecrets(dir)[`profile:${profile(doc, name)!.id}`]
  const currentOf = (doc: StateDocument) => doc.environments.find((e) => e.apiUrl === doc.currentEnvironment)?.currentProfile

  it('brings in a profile added and switched to there on the next run, one line; an unchanged file costs no write and says nothing; profiles.db is never written', async () => {
    python([row('a', KEY_A)], 'a')
    const first = await run()
    expect(first.lines).to.match(/^Imported 0 environments and 1 profile/)
    expect(first.config.pythonImport).to.deep.include({sha256: first.config.pythonImport!.sha256, size: statSync(db).size, source: db})

    // Nothing changed there: no line, and config.json is not even rewritten.
    const before = statSync(path.join(dir, 'config.json')).mtimeMs
    const idle = await run()
    expect(idle.lines).to.equal('')
    expect(statSync(path.join(dir, 'config.json')).mtimeMs).to.equal(before)

    python([row('a', KEY_A), row('b', KEY_B, 'p9')], 'b')
    const bytes = readFileSync(db)
    const {mtimeMs} = statSync(db)
    const second = await run()
    expect(second.lines).to.equal(`Brought in from the Python llamactl's ${db}: 1 new profile (b), current profile b. That file was left as it was.\n`)
    expect(second.warnings).to.deep.equal([])
    expect(profile(second.config, 'b')).to.deep.include({apiUrl: PY, authType: 'api-key', projectId: 'p9'})
    expect(secretOf(second.config, 'b')).to.deep.equal({apiKey: KEY_B})
    expect(currentOf(second.config)).to.equal('b')
    expect(readFileSync(db).equals(bytes) && statSync(db).mtimeMs === mtimeMs, 'profiles.db untouched').to.equal(true)

    expect((await run()).lines, 'said once').to.equal('')
  })

  it('a profile changed there and not here is updated (its key and project), the old secret goes; one changed here too keeps ours, said once', async () => {
    python([row('a', KEY_A), row('b', KEY_B)], 'a')
    const first = await run()
    const oldA = profile(first.config, 'a')!

    // Changed here: b's project.
    await run((s) => s.profileStore.setProject(PY, 'b', 'mine'))
    // Changed there: both a and b.
    python([row('a', KEY_A2, 'p2'), row('b', KEY_B, 'theirs')], 'a')
    const second = await run()
    expect(second.lines).to.equal(
      `Brought in from the Python llamactl's ${db}: 1 changed profile (a); 1 profile (b) kept as it is here. That file was left as it was.\n`,
    )
    expect(profile(second.config, 'a')).to.deep.include({keyHint: 'llx-a2****a2a2', projectId: 'p2'})
    expect(secretOf(second.config, 'a')).to.deep.equal({apiKey: KEY_A2})
    expect(readSecrets(dir), 'the replaced secret is gone').to.not.have.property(`profile:${oldA.id}`)
    expect(profile(second.config, 'b')!.projectId, 'what was changed here wins').to.equal('mine')
    expect(currentOf(second.config)).to.equal('a')
    expect((await run()).lines).to.equal('')

    // A later change there to b still meets ours changed here: kept again.
    python([row('a', KEY_A2, 'p2'), row('b', KEY_B, 'theirs-2')], 'a')
    expect((await run()).config.profiles.find((p) => p.name === 'b')!.projectId).to.equal('mine')
  })

  it('a profile removed here stays removed when its row changes there; a switch made here wins over one made there', async () => {
    python([row('a', KEY_A), row('b', KEY_B)], 'a')
    await run()
    await run(async (s) => {
      await s.profileStore.remove(PY, 'b')
      await s.profileStore.setCurrent(PY, 'a')
    })
    // Here: current is still a (unchanged); delete b. Then switch here to c, made here.
    await run((s) => s.profileStore.save({apiUrl: PY, authType: 'none', id: 'here-c', name: 'c', projectId: null}))
    await run((s) => s.profileStore.setCurrent(PY, 'c'))
    python([row('a', KEY_A), row('b', KEY_A2, 'p7'), row('d', null)], 'd')
    const after = await run()
    expect(after.config.profiles.map((p) => p.name).sort()).to.deep.equal(['a', 'c', 'd'])
    expect(currentOf(after.config), 'switched here to c: ours wins').to.equal('c')
    expect(after.lines, 'b, removed here, is not mentioned').to.equal(
      `Brought in from the Python llamactl's ${db}: 1 new profile (d). That file was left as it was.\n`,
    )
  })

  it('a row skipped before (a value it could not use) comes in once it is fixed there; a name made here first keeps ours', async () => {
    python([row('a', KEY_A), row('bad', 'llx-has a space')], 'a')
    const first = await run()
    expect(first.warnings[0]).to.match(/^Skipped profile "bad" .*its API key is not a key/)
    await run((s) => s.profileStore.save({apiUrl: PY, authType: 'none', id: 'here-n', name: 'n', projectId: null}))
    python([row('a', KEY_A), row('bad', KEY_B), row('n', KEY_A2)], 'a')
    const fixed = await run()
    expect(fixed.lines).to.equal(
      `Brought in from the Python llamactl's ${db}: 1 new profile (bad); 1 profile (n) kept as it is here. That file was left as it was.\n`,
    )
    expect(secretOf(fixed.config, 'bad')).to.deep.equal({apiKey: KEY_B})
    expect(profile(fixed.config, 'n')).to.deep.include({authType: 'none', id: 'here-n'})
    expect(fixed.warnings, 'a clash is no warning in a sync, it is in the line').to.deep.equal([])
  })

  it('the same bytes with a new mtime (a copy, a touch) bring nothing and say nothing; the new mtime is recorded', async () => {
    python([row('a', KEY_A)], 'a')
    await run()
    clock += 10
    utimesSync(db, clock, clock)
    const touched = await run()
    expect(touched.lines).to.equal('')
    expect(touched.config.pythonImport!.mtimeMs).to.equal(statSync(db).mtimeMs)
    expect(touched.config.profiles).to.have.length(1)
  })

  it('a changed profiles.db that others can write to, or that is not SQLite, is not read: one warning per change, nothing imported', async () => {
    python([row('a', KEY_A)], 'a')
    await run()
    python([row('a', KEY_A), row('evil', KEY_B)], 'evil')
    chmodSync(db, 0o666)
    const planted = await run()
    expect(planted.warnings).to.have.length(1)
    expect(planted.warnings[0]).to.match(/profiles\.db changed but was not read: other users can write to it \(mode 0666\)/)
    expect(planted.config.profiles.map((p) => p.name)).to.deep.equal(['a'])
    expect((await run()).warnings, 'once per change').to.deep.equal([])

    chmodSync(db, 0o600)
    writeFileSync(db, 'not a database at all')
    clock += 10
    utimesSync(db, clock, clock)
    const garbage = await run()
    expect(garbage.warnings).to.have.length(1)
    expect(garbage.warnings[0]).to.match(/^The Python llamactl's changes were not brought in: .*profiles\.db is not a SQLite database/)
    expect((await run()).warnings).to.deep.equal([])
    expect(config().profiles.map((p) => p.name)).to.deep.equal(['a'])
  })

  it('all or nothing: when the secrets can not be written, the config is not changed and the next run tries again', async () => {
    python([row('a', KEY_A)], 'a')
    await run()
    const before = readFileSync(path.join(dir, 'config.json'), 'utf8')
    python([row('a', KEY_A), row('b', KEY_B)], 'b')
    const secrets = path.join(dir, 'secrets.json')
    const saved = readFileSync(secrets)
    writeFileSync(secrets, '{not json')
    const failed = await run()
    expect(failed.warnings).to.have.length(1)
    expect(failed.warnings[0]).to.match(/^The Python llamactl's changes were not brought in: /)
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).to.equal(before)

    writeFileSync(secrets, saved)
    const retried = await run()
    expect(retried.lines).to.match(/: 1 new profile \(b\), current profile b\./)
  })

  it('a config from before this record (imported by an older version) links the profiles it already has and brings in only the new ones', async () => {
    python([row('a', KEY_A), row('b', KEY_B)], 'a')
    await run()
    const doc = config()
    delete doc.pythonImport
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(doc))
    python([row('a', KEY_A), row('b', KEY_B), row('c', null)], 'a')
    const upgraded = await run()
    expect(upgraded.lines).to.equal(`Brought in from the Python llamactl's ${db}: 1 new profile (c). That file was left as it was.\n`)
    expect(upgraded.config.pythonImport!.profiles.filter((p) => p.id).map((p) => p.name)).to.deep.equal(['a', 'b', 'c'])

    // Linked: a change there to b now comes in.
    python([row('a', KEY_A), row('b', KEY_B, 'p5'), row('c', null)], 'a')
    expect(profile((await run()).config, 'b')!.projectId).to.equal('p5')
  })
})
