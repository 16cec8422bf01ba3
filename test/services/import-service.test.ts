import {expect} from 'chai'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {ImportService} from '../../src/services/import-service.js'
import {secretAccount, SecretStore} from '../../src/stores/secret-store.js'
import {StateStore} from '../../src/stores/state-store.js'
import type {StateDocument} from '../../src/stores/schema.js'
import {tempConfigDir} from '../support/cli.js'
import {readSecrets} from '../support/login-session.js'
import {buildProfilesDb, deviceOidc, fingerprint, PY_DEFAULT_API_URL, ProfilesDbSpec} from '../support/python-profiles-db.js'

const LOCAL = 'http://127.0.0.1:8000'
const API_KEY = 'llx-apikey-abcdefghijklmnop'
const MINTED = 'llx-minted-qrstuvwxyz012345'
const OIDC = deviceOidc({accessToken: 'access-1', email: 'alice@example.com', idToken: 'id-1', refreshToken: 'refresh-1', sub: 'sub-alice'})

/** Version 2: an API-key, a login and a key-less profile in two environments. */
const V2: ProfilesDbSpec = {
  environments: [{api_url: LOCAL, min_llamactl_version: '0.3.0', requires_auth: 0}],
  profiles: [
    {api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'},
    {api_key: MINTED, api_key_id: 'key-42', api_url: PY_DEFAULT_API_URL, device_oidc: OIDC, name: 'alice@example.com', project_id: 'p2'},
    {api_key: null, api_url: LOCAL, name: 'local', project_id: 'default'},
  ],
  settings: {current_environment_api_url: PY_DEFAULT_API_URL, current_profile: 'alice@example.com'},
}

describe('ImportService (real profiles.db, config file and file secret store)', function () {
  this.timeout(30_000)
  let dir: string
  let cleanup: () => void
  let source: string
  let warnings: string[]
  let state: StateStore
  let secrets: SecretStore

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    source = path.join(dir, 'profiles.db')
    warnings = []
    state = new StateStore(dir)
    secrets = new SecretStore({dir, mode: 'file', warn: () => {}})
  })
  afterEach(() => cleanup())

  const service = (secretStore: SecretStore = secrets) =>
    new ImportService({busyWaitMs: 200, defaultSource: source, secrets: async () => secretStore, state, warn: (m) => warnings.push(m)})
  const config = (): StateDocument => JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))

  it('maps a version 2 file: API-key, login and key-less profiles in two environments, current environment and profile', async () => {
    buildProfilesDb(source, V2)
    const report = await service().import()
    expect(report).to.deep.equal({
      current: {environment: PY_DEFAULT_API_URL, profile: {apiUrl: PY_DEFAULT_API_URL, name: 'alice@example.com'}},
      environments: {added: [LOCAL], skipped: [PY_DEFAULT_API_URL]},
      profiles: {
        added: [
          {apiUrl: PY_DEFAULT_API_URL, name: 'work'},
          {apiUrl: PY_DEFAULT_API_URL, name: 'alice@example.com'},
          {apiUrl: LOCAL, name: 'local'},
        ],
        skipped: [],
      },
      source,
    })
    expect(warnings).to.deep.equal([])

    const doc = config()
    expect(doc.currentEnvironment).to.equal(PY_DEFAULT_API_URL)
    expect(doc.environments).to.deep.equal([
      {apiUrl: PY_DEFAULT_API_URL, currentProfile: 'alice@example.com', minLlamactlVersion: null, requiresAuth: true},
      {apiUrl: LOCAL, currentProfile: null, minLlamactlVersion: '0.3.0', requiresAuth: false},
    ])
    const [work, alice, local] = doc.profiles
    expect(work).to.deep.include({apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', keyHint: 'llx-ap****mnop', name: 'work', projectId: 'p1'})
    expect(alice).to.deep.include({
      authType: 'login',
      email: 'alice@example.com',
      keyId: 'key-42',
      name: 'alice@example.com',
      projectId: 'p2',
      sub: 'sub-alice',
    })
    expect(local).to.deep.equal({apiUrl: LOCAL, authType: 'none', id: local.id, name: 'local', projectId: 'default'})

    const stored = readSecrets(dir)
    expect(stored).to.deep.equal({
      [secretAccount(alice)]: {accessToken: 'access-1', apiKey: MINTED, idToken: 'id-1', refreshToken: 'refresh-1'},
      [secretAccount(work)]: {apiKey: API_KEY},
    })
    const text = readFileSync(path.join(dir, 'config.json'), 'utf8')
    for (const secret of [API_KEY, MINTED, 'access-1', 'refresh-1', 'id-1']) expect(text).not.to.include(secret)
  })

  it('maps a version 1 file (no login rows, no ids) and keeps the source byte-identical', async () => {
    buildProfilesDb(source, {
      profiles: [
        {api_key: API_KEY, api_url: `${PY_DEFAULT_API_URL}/`, name: 'work', project_id: 'p1'},
        {api_key: null, api_url: PY_DEFAULT_API_URL, name: 'bare', project_id: ''},
      ],
      settings: {current_profile: 'work'},
      version: 1,
    })
    const before = fingerprint(source)
    const report = await service().import()
    expect(report.profiles.added).to.deep.equal([
      {apiUrl: PY_DEFAULT_API_URL, name: 'work'},
      {apiUrl: PY_DEFAULT_API_URL, name: 'bare'},
    ])
    expect(report.current.profile).to.deep.equal({apiUrl: PY_DEFAULT_API_URL, name: 'work'})
    expect(config().profiles.map((p) => [p.name, p.authType, p.projectId])).to.deep.equal([
      ['work', 'api-key', 'p1'],
      ['bare', 'none', null],
    ])
    expect(fingerprint(source)).to.deep.equal(before)
  })

  it('into an existing config: adds what is new, skips name clashes with a warning each, overwrites nothing', async () => {
    // The config already has a profile "work" (another key) and a current environment of its own.
    await state.update((doc) => {
      doc.environments.push({apiUrl: 'https://mine.example.com', currentProfile: 'mine', minLlamactlVersion: null, requiresAuth: true})
      doc.environments[0].currentProfile = 'work'
      doc.currentEnvironment = 'https://mine.example.com'
      doc.profiles.push(
        {apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', id: 'existing-work', keyHint: 'llx-ol****-key', name: 'work', projectId: 'p9'},
        {apiUrl: 'https://mine.example.com', authType: 'none', id: 'existing-mine', name: 'mine', projectId: 'm'},
      )
    })
    await secrets.set('profile:existing-work', {apiKey: 'llx-old-key'})
    buildProfilesDb(source, {...V2, environments: [...V2.environments!, {api_url: 'https://mine.example.com', requires_auth: 0}]})

    const report = await service().import()
    expect(report.environments).to.deep.equal({added: [LOCAL], skipped: [PY_DEFAULT_API_URL, 'https://mine.example.com']})
    expect(report.profiles.skipped).to.deep.equal([{apiUrl: PY_DEFAULT_API_URL, name: 'work'}])
    expect(report.profiles.added.map((p) => p.name)).to.deep.equal(['alice@example.com', 'local'])
    // Neither the current environment nor the current profile here is replaced.
    expect(report.current).to.deep.equal({environment: null, profile: null})
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(/^Skipped profile "work" of https:\/\/api\.cloud\.llamaindex\.ai: a profile with that name is already here/)

    const doc = config()
    expect(doc.currentEnvironment).to.equal('https://mine.example.com')
    expect(doc.environments.find((e) => e.apiUrl === 'https://mine.example.com')).to.deep.equal({
      apiUrl: 'https://mine.example.com',
      currentProfile: 'mine',
      minLlamactlVersion: null,
      requiresAuth: true,
    })
    expect(doc.environments[0].currentProfile).to.equal('work')
    expect(doc.profiles.filter((p) => p.name === 'work')).to.deep.equal([
      {apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', id: 'existing-work', keyHint: 'llx-ol****-key', name: 'work', projectId: 'p9'},
    ])
    expect(await secrets.get('profile:existing-work')).to.deep.equal({apiKey: 'llx-old-key'})

    // Importing again adds nothing and skips everything.
    warnings = []
    const again = await service().import()
    expect(again.profiles.added).to.deep.equal([])
    expect(again.profiles.skipped).to.have.length(3)
    expect(warnings).to.have.length(3)
  })

  it('--dry-run reports exactly what the import then does, and writes nothing', async () => {
    buildProfilesDb(source, V2)
    const preview = await service().preview()
    expect(existsSync(path.join(dir, 'config.json'))).to.equal(false)
    expect(existsSync(path.join(dir, 'secrets.json'))).to.equal(false)
    expect(await service().import()).to.deep.equal(preview)
  })

  it('skips rows it cannot use, one warning each, and imports the rest', async () => {
    buildProfilesDb(source, {
      environments: [
        // TEXT PRIMARY KEY allows NULL in SQLite: the schema lets this row exist.
        {api_url: null, requires_auth: 1},
        {api_url: 'ftp://files.example.com', requires_auth: 1},
        {api_url: 'https://odd.example.com', requires_auth: 'yes'},
      ],
      profiles: [
        {api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'good', project_id: 'p1'},
        {api_key: null, api_key_id: 'key-1', api_url: PY_DEFAULT_API_URL, device_oidc: OIDC, name: 'login-without-key', project_id: 'p1'},
        {api_key: MINTED, api_key_id: 'key-2', api_url: PY_DEFAULT_API_URL, device_oidc: '{"user_id": "sub-b", ', name: 'broken-json', project_id: 'p1'},
        {api_key: MINTED, api_url: PY_DEFAULT_API_URL, device_oidc: {email: 'x@example.com'}, name: 'no-subject', project_id: 'p1'},
        {api_key: API_KEY, api_url: 'not a url', name: 'bad-url', project_id: 'p1'},
        {api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'bell\u0007\u001b[31m', project_id: 'p1'},
        {api_key: API_KEY, api_url: 'https://odd.example.com', name: 'in-odd', project_id: 'p1'},
        {api_key: 'llx-unlisted-0123456789', api_url: 'https://unlisted.example.com', id: null, name: 'no-env-row', project_id: 'p1'},
      ],
    })
    const report = await service().import()
    expect(report.profiles.added).to.deep.equal([
      {apiUrl: PY_DEFAULT_API_URL, name: 'good'},
      {apiUrl: 'https://unlisted.example.com', name: 'no-env-row'},
    ])
    expect(report.profiles.skipped.map((p) => p.name)).to.deep.equal([
      'login-without-key',
      'broken-json',
      'no-subject',
      'bad-url',
      'bell\u0007\u001b[31m',
      'in-odd',
    ])
    expect(report.environments).to.deep.equal({
      added: ['https://unlisted.example.com'],
      skipped: [PY_DEFAULT_API_URL, 'NULL', 'ftp://files.example.com', 'https://odd.example.com'],
    })
    expect(warnings).to.have.length(9)
    const all = warnings.join('\n')
    expect(all).to.include('Skipped environment NULL of profiles.db: its API URL is not an http(s) URL').and.include('requires_auth "yes" is neither 0 nor 1')
    expect(all).to.include('"login-without-key"').and.include('a browser login without its API key')
    expect(all).to.include('"broken-json"').and.include('device_oidc (the browser-login data) is not a JSON object')
    expect(all).to.include('its device_oidc has no user_id')
    expect(all).to.include('"bell\\u0007\\u001b[31m"')
    // No control character reaches the terminal, and no secret is in any warning.
    // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
    expect(all).not.to.match(/[\u0000-\u0008\u000b-\u001f]/)
    for (const secret of [API_KEY, MINTED, 'access-1', 'refresh-1']) expect(all).not.to.include(secret)
    expect(config().profiles.map((p) => p.name)).to.deep.equal(['good', 'no-env-row'])
  })

  it('refuses a bad source before writing anything (not SQLite)', async () => {
    writeFileSync(source, 'not a database')
    const error = await service()
      .import()
      .catch((e: unknown) => e)
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).code).to.equal('import_not_sqlite')
    expect(existsSync(path.join(dir, 'config.json'))).to.equal(false)
    expect(existsSync(path.join(dir, 'secrets.json'))).to.equal(false)
  })

  it('removes the secrets it wrote when the import fails part-way (a keychain that fails on its second write, faked: keytar has no batch call, so one entry at a time)', async () => {
    buildProfilesDb(source, V2)
    const stored = new Map<string, string>()
    let writes = 0
    const keychain = new SecretStore({
      dir,
      async loadKeytar() {
        return {
          deletePassword: async (_service: string, account: string) => stored.delete(account),
          getPassword: async (_service: string, account: string) => stored.get(account) ?? null,
          async setPassword(_service: string, account: string, value: string) {
            if (++writes === 2) throw new Error('injected')
            stored.set(account, value)
          },
        }
      },
      mode: 'keychain',
      warn: () => {},
    })
    const error = await service(keychain)
      .import()
      .catch((e: unknown) => e)
    expect((error as CliError).code).to.equal('keychain_failed')
    expect(writes).to.equal(2)
    expect([...stored.keys()], 'entries left in the keychain').to.deep.equal([])
    expect(readSecrets(dir)).to.deep.equal({})
    expect(existsSync(path.join(dir, 'config.json'))).to.equal(false)
  })

  it('writes the secrets of the whole import in one write of secrets.json (the file store)', async () => {
    buildProfilesDb(source, V2)
    let writes = 0
    const counting = Object.create(secrets) as SecretStore
    counting.set = async () => {
      throw new Error('one write per profile')
    }

    counting.setMany = async (entries, stop) => {
      writes += 1
      return secrets.setMany(entries, stop)
    }

    await service(counting).import()
    expect(writes).to.equal(1)
    expect(Object.keys(readSecrets(dir))).to.have.length(2)
  })

  it('on a first run, imports only while there is no config file (another process got there first)', async () => {
    buildProfilesDb(source, V2)
    await state.update(() => {})
    expect(await service().importOnFirstRun()).to.equal(null)
    expect(config().profiles).to.deep.equal([])
    expect(readSecrets(dir)).to.deep.equal({})
  })
})
