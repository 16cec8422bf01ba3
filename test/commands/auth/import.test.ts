import {expect} from 'chai'
import {chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {runInProcess} from '../../support/in-process-cli.js'
import {TestControlPlane} from '../../support/control-plane-server.js'
import {fails, json, ok} from '../../support/fixture.js'
import {keychainAvailable, keytar} from '../../support/keychain.js'
import {deviceLoginTokens, readConfig, readSecrets} from '../../support/login-session.js'
import {ALICE, CLI_CLIENT_ID, TestOidcProvider} from '../../support/oidc-provider.js'
import {ControlPlaneClient} from '../../../src/net/control-plane-client.js'
import type {OidcTokens} from '../../../src/net/device-login.js'
import {buildProfilesDb, deviceOidc, fingerprint, holdWrite, PY_DEFAULT_API_URL, ProfilesDbSpec, tablePages} from '../../support/python-profiles-db.js'
import {API_KEY, firstRunImports, lines, LOCAL, profilesDbScene, MINTED, OIDC, SECRETS, SUMMARY, V2} from './import.cases.js'

describe('taking over the Python llamactl: profiles.db', function () {
  this.timeout(60_000)
  const scene = profilesDbScene(runInProcess)
  const {run} = scene

  /** Nothing but profiles.db (as it was) is in the config dir. */
  function nothingWritten(before: ReturnType<typeof fingerprint>) {
    expect(readdirSync(scene.dir)).to.deep.equal(['profiles.db'])
    expect(fingerprint(scene.source)).to.deep.equal(before)
  }

  describe('on the first run (a profiles.db and no config.json)', () => {
    it('auth list imports it, says what came over in one stderr line, and leaves profiles.db byte-identical with its mtime', () =>
      firstRunImports(run, scene.dir))

    /** A profiles.db that makes https://evil.example current, as another user would plant it. */
    const PLANTED: ProfilesDbSpec = {
      environments: [{api_url: 'https://evil.example', min_llamactl_version: null, requires_auth: 1}],
      profiles: [{api_key: API_KEY, api_url: 'https://evil.example', name: 'planted', project_id: 'p1'}],
      settings: {current_environment_api_url: 'https://evil.example', current_profile: 'planted'},
    }

    for (const [what, plant, reason] of [
      ['one group and others can write to (0666)', () => chmodSync(scene.source, 0o666), /other users can write to it \(mode 0666\)/],
      ['one of another user (nobody, by chown: as root only)', () => chownSync(scene.source, 65_534, 65_534), /it belongs to another user \(uid 65534\)/],
    ] as const)
      it(`a profiles.db that is ${what} is not imported on a first run: one warning naming auth import --from, nothing written`, async function () {
        if (what.includes('root only') && process.getuid?.() !== 0) this.skip()
        buildProfilesDb(scene.source, PLANTED)
        plant()
        const before = fingerprint(scene.source)
        for (let i = 0; i < 2; i++) {
          const result = ok(await run(['auth', 'env', 'list', '--json']))
          expect(json(result).environments.map((e: {apiUrl: string}) => e.apiUrl)).to.not.include('https://evil.example')
          expect(lines(result.stderr)).to.have.length(1)
          expect(lines(result.stderr)[0]).to.match(reason)
          expect(lines(result.stderr)[0]).to.match(
            new RegExp(
              `^Warning: ${scene.source.replaceAll('.', '\\.')} was not imported: .*If it is, run \`llamactl auth import --from ${scene.source.replaceAll('.', '\\.')}\`$`,
            ),
          )
        }

        expect(readdirSync(scene.dir).filter((name) => name !== 'config.json')).to.deep.equal(['profiles.db'])
        expect(fingerprint(scene.source)).to.deep.equal(before)
        // Asked for by name, it is imported.
        ok(await run(['auth', 'import', '--from', scene.source]))
        expect(json(ok(await run(['auth', 'list', '--json']))).environment).to.equal('https://evil.example')
      })

    it("a profiles.db 0664 in the user's private group (gid = uid: one group per user, umask 002) is imported on a first run; 0664 in another group is not", async function () {
      if (process.getuid?.() !== process.getgid?.()) this.skip()
      buildProfilesDb(scene.source, V2)
      chmodSync(scene.source, 0o664)
      const imported = ok(await run(['auth', 'list', '--json']))
      expect(lines(imported.stderr)[0]).to.match(SUMMARY)
      expect(json(imported).profiles).to.have.length(2)
      if (process.getuid?.() !== 0) return
      rmSync(path.join(scene.dir, 'config.json'))
      rmSync(path.join(scene.dir, 'secrets.json'))
      chownSync(scene.source, 0, 65_534) // group nogroup: nobody may write it
      const refused = ok(await run(['auth', 'list', '--json']))
      expect(lines(refused.stderr)).to.have.length(1)
      expect(lines(refused.stderr)[0]).to.match(/was not imported: other users can write to it \(mode 0664\)/)
    })

    it('goes on with one warning when profiles.db cannot be imported, and writes nothing', async () => {
      writeFileSync(scene.source, 'this is not a database')
      const before = fingerprint(scene.source)
      const result = ok(await run(['auth', 'list', '--json']))
      expect(json(result)).to.deep.equal({environment: PY_DEFAULT_API_URL, profiles: []})
      expect(lines(result.stderr)).to.have.length(1)
      expect(lines(result.stderr)[0]).to.match(/^Warning: The Python llamactl's profiles were not imported: .*profiles\.db is not a SQLite database/)
      nothingWritten(before)
    })

    it('imports nothing when the secret store cannot be written (secrets.json is a directory)', async () => {
      buildProfilesDb(scene.source, V2)
      mkdirSync(path.join(scene.dir, 'secrets.json'))
      const result = ok(await run(['auth', 'list', '--json']))
      expect(json(result).profiles).to.deep.equal([])
      expect(result.stderr).to.match(/Warning: The Python llamactl's profiles were not imported: .*secrets\.json/)
      expect(existsSync(path.join(scene.dir, 'config.json'))).to.equal(false)
      rmSync(path.join(scene.dir, 'secrets.json'), {recursive: true})
    })
  })

  describe('auth import', () => {
    let server: TestControlPlane

    afterEach(async () => server?.stop())

    it('--json into an existing config: the documented shape, clashes warned by name and kept; --dry-run reports the same and writes nothing', async () => {
      server = await new TestControlPlane().start()
      const key = server.addKey()
      ok(await run(['auth', 'env', 'add', server.url]))
      ok(await run(['auth', 'env', 'switch', server.url]))
      ok(await run(['auth', 'token', '--api-key', key, '--project-id', 'p1', '--name', 'work']))
      const ownBefore = readSecrets(scene.dir)
      buildProfilesDb(scene.source, {
        environments: [
          {api_url: server.url, requires_auth: 1},
          {api_url: LOCAL, requires_auth: 0},
        ],
        profiles: [
          {api_key: API_KEY, api_url: server.url, name: 'work', project_id: 'p2'},
          {api_key: MINTED, api_key_id: 'key-42', api_url: server.url, device_oidc: OIDC, name: 'alice@example.com', project_id: 'p2'},
          {api_key: null, api_url: LOCAL, name: 'local', project_id: 'default'},
        ],
        settings: {current_environment_api_url: server.url, current_profile: 'alice@example.com'},
      })
      const expected = {
        current: {environment: null, profile: null},
        environments: {added: [LOCAL], skipped: [PY_DEFAULT_API_URL, server.url]},
        profiles: {
          added: [
            {apiUrl: server.url, name: 'alice@example.com'},
            {apiUrl: LOCAL, name: 'local'},
          ],
          skipped: [{apiUrl: server.url, name: 'work'}],
        },
        source: scene.source,
      }
      const configBefore = readFileSync(path.join(scene.dir, 'config.json'), 'utf8')

      const dry = ok(await run(['auth', 'import', '--dry-run', '--json']))
      expect(json(dry)).to.deep.equal(expected)
      expect(lines(dry.stderr)).to.deep.equal([`Warning: Skipped profile "work" of ${server.url}: a profile with that name is already here (kept as it is)`])
      expect(readFileSync(path.join(scene.dir, 'config.json'), 'utf8')).to.equal(configBefore)
      expect(readSecrets(scene.dir)).to.deep.equal(ownBefore)

      const before = fingerprint(scene.source)
      const real = ok(await run(['auth', 'import', '--json']))
      expect(json(real)).to.deep.equal(expected)
      expect(lines(real.stderr)).to.deep.equal(lines(dry.stderr))
      expect(fingerprint(scene.source)).to.deep.equal(before)

      // "work" is still this config's own profile, with its own key and project.
      const listed = json(ok(await run(['auth', 'list', '--json'])))
      expect(listed.profiles).to.deep.equal([
        {apiUrl: server.url, authType: 'login', current: false, name: 'alice@example.com', projectId: 'p2'},
        {apiUrl: server.url, authType: 'api-key', current: true, name: 'work', projectId: 'p1'},
      ])
      const work = readConfig(scene.dir).profiles.find((p) => p.name === 'work')!
      expect(readSecrets(scene.dir)[`profile:${work.id}`]).to.deep.equal(ownBefore[`profile:${work.id}`])

      // Without --json: the warning, then one line saying what came over.
      const text = ok(await run(['auth', 'import', '--from', scene.source]))
      expect(text.stdout).to.equal('')
      expect(lines(text.stderr).at(-1)).to.match(
        /^Imported 0 environments and 0 profiles from the Python llamactl's .*\(3 profiles skipped, see above\)\. That file was left as it was/,
      )
    })

    it('imports a version 1 file given with --from', async () => {
      const other = path.join(scene.dir, 'old', 'profiles.db')
      mkdirSync(path.dirname(other))
      buildProfilesDb(other, {
        profiles: [{api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'}],
        settings: {current_profile: 'work'},
        version: 1,
      })
      const result = ok(await run(['auth', 'import', '--from', other, '--json']))
      expect(json(result)).to.deep.equal({
        current: {environment: PY_DEFAULT_API_URL, profile: {apiUrl: PY_DEFAULT_API_URL, name: 'work'}},
        environments: {added: [], skipped: [PY_DEFAULT_API_URL]},
        profiles: {added: [{apiUrl: PY_DEFAULT_API_URL, name: 'work'}], skipped: []},
        source: other,
      })
      expect(json(ok(await run(['auth', 'list', '--json']))).profiles).to.deep.equal([
        {apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', current: true, name: 'work', projectId: 'p1'},
      ])
    })

    it('skips a row whose device_oidc is not JSON with a warning naming it, and imports the rest (exit 0)', async () => {
      buildProfilesDb(scene.source, {
        profiles: [
          {api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'},
          {api_key: MINTED, api_key_id: 'k', api_url: PY_DEFAULT_API_URL, device_oidc: 'not json {', name: 'broken', project_id: 'p1'},
        ],
      })
      const result = ok(await run(['auth', 'import', '--json']))
      expect(json(result).profiles).to.deep.equal({
        added: [{apiUrl: PY_DEFAULT_API_URL, name: 'work'}],
        skipped: [{apiUrl: PY_DEFAULT_API_URL, name: 'broken'}],
      })
      expect(lines(result.stderr)).to.deep.equal([
        `Warning: Skipped profile "broken" of ${PY_DEFAULT_API_URL}: its device_oidc (the browser-login data) is not a JSON object`,
      ])
      expect(result.stderr).not.to.include(MINTED)
    })

    describe('refuses a bad source with one line, exit 1, and imports nothing', () => {
      const refused = async (args: string[], pattern: RegExp, code: string) => {
        const before = existsSync(scene.source) ? fingerprint(scene.source) : undefined
        const result = await run(['auth', 'import', ...args])
        fails(result, 1, pattern)
        const withJson = await run(['auth', 'import', '--json', ...args])
        expect(json(withJson).error.code).to.equal(code)
        expect(readdirSync(scene.dir).filter((f) => f !== 'profiles.db' && !f.startsWith('profiles.db-'))).to.deep.equal([])
        if (before) expect(fingerprint(scene.source)).to.deep.equal(before)
      }

      it('not a SQLite file', async () => {
        writeFileSync(scene.source, 'name,api_url\n')
        await refused([], /^Error: .*profiles\.db is not a SQLite database, so not a Python llamactl profiles\.db\. /, 'import_not_sqlite')
      })

      it('a damaged file (a b-tree page overwritten): one line, no stack trace', async () => {
        buildProfilesDb(scene.source, V2)
        const {pageSize, rootPage} = tablePages(scene.source, 'profiles')
        const bytes = readFileSync(scene.source)
        bytes.fill(0x42, (rootPage - 1) * pageSize, rootPage * pageSize)
        writeFileSync(scene.source, bytes)
        await refused(
          [],
          new RegExp(
            `^Error: .*profiles\\.db can't be read as a SQLite database \\(malformed: page ${rootPage} is not a table b-tree page\\)\\. Move it aside`,
          ),
          'import_not_sqlite',
        )
      })

      it('a newer user_version (3)', async () => {
        buildProfilesDb(scene.source, {...V2, userVersion: 3})
        await refused(
          [],
          /^Error: .*profiles\.db was written by a newer Python llamactl \(schema 3; this llamactl reads up to 2\)\. Upgrade llamactl/,
          'import_too_new',
        )
      })

      it('no such file', async () => {
        await refused(['--from', path.join(scene.dir, 'nowhere.db')], /^Error: There is no .*nowhere\.db\. /, 'import_not_found')
        await refused([], /^Error: There is no .*profiles\.db\. /, 'import_not_found')
      })

      it('a file being written by the Python llamactl (locked: a spilled write transaction), after retrying briefly', async () => {
        buildProfilesDb(scene.source, V2)
        const holder = await holdWrite(scene.source, 30_000, 'rollback')
        try {
          const started = Date.now()
          const result = await run(['auth', 'import', '--json'])
          expect(Date.now() - started, 'it retried for a while first').to.be.greaterThan(1500)
          expect(result.code).to.equal(1)
          expect(json(result).error.code).to.equal('import_locked')
          expect(lines(result.stderr)).to.have.length(1)
          expect(lines(result.stderr)[0]).to.match(
            /^Error: .*profiles\.db is being written by another program \(profiles\.db-journal\), so it can't be read safely\. Let the Python llamactl finish/,
          )
          expect(existsSync(path.join(scene.dir, 'config.json'))).to.equal(false)
        } finally {
          holder.kill()
          await holder.done
        }
      })
    })
  })

  describe('browser-login rows, with tokens from a real oidc-provider', () => {
    let server: TestControlPlane
    let op: TestOidcProvider
    let minted: {id: string; secret: string}
    let tokens: OidcTokens

    const deviceTokens = () => deviceLoginTokens(op.discoveryUrl, CLI_CLIENT_ID)

    beforeEach(async () => {
      server = await new TestControlPlane().start()
      op = await new TestOidcProvider().start()
      op.attach(server)
      tokens = await deviceTokens()
      // The key the Python llamactl minted at its browser login, with the access token.
      minted = await new ControlPlaneClient(server.url).createApiKey(tokens.accessToken, 'alice llamactl on laptop')
      buildProfilesDb(scene.source, {
        environments: [{api_url: server.url, requires_auth: 1}],
        profiles: [
          {
            api_key: minted.secret,
            api_key_id: minted.id,
            api_url: server.url,
            device_oidc: deviceOidc({
              accessToken: tokens.accessToken,
              discoveryUrl: op.discoveryUrl,
              email: ALICE.email,
              idToken: tokens.idToken,
              refreshToken: tokens.refreshToken,
              sub: ALICE.sub,
            }),
            name: ALICE.email,
            project_id: 'p1',
          },
        ],
        settings: {current_environment_api_url: server.url, current_profile: ALICE.email},
      })
      const first = ok(await run(['auth', 'list', '--json']))
      expect(json(first).profiles).to.deep.equal([{apiUrl: server.url, authType: 'login', current: true, name: ALICE.email, projectId: 'p1'}])
    })

    afterEach(async () => {
      await op.stop()
      await server.stop()
    })

    it('auth logout revokes the minted key by its id (api_key_id)', async () => {
      const [profile] = readConfig(scene.dir).profiles
      expect(profile).to.include({authType: 'login', email: ALICE.email, keyId: minted.id, sub: ALICE.sub})
      ok(await run(['auth', 'logout', ALICE.email]))
      const deletes = server.calls('/api/v1/api-keys/', 'DELETE')
      expect(deletes.map((c) => c.path)).to.deep.equal([`/api/v1/api-keys/${encodeURIComponent(minted.id)}`])
      expect(deletes[0].authorization).to.equal(`Bearer ${minted.secret}`)
      expect(server.minted.has(minted.id), 'revoked on the server').to.equal(false)
      expect(readConfig(scene.dir).profiles).to.deep.equal([])
      expect(readSecrets(scene.dir)).to.deep.equal({})
    })

    it('a 401 refreshes with the imported refresh token (the provider sees the grant and rotates it), replaces the rejected key and retries', async () => {
      const [profile] = readConfig(scene.dir).profiles
      server.revokeKey(minted.secret)
      // ALICE's one project: listing it needs a key the server accepts.
      const result = ok(await run(['auth', 'project', 'p1', '--json']))
      expect(json(result)).to.deep.equal({apiUrl: server.url, authType: 'login', current: true, name: ALICE.email, projectId: 'p1'})
      expect(op.grants('refresh_token'), 'one refresh grant reached the provider').to.have.length(1)
      const after = readSecrets(scene.dir)[`profile:${profile.id}`]
      expect(after.refreshToken, 'rotated').to.be.a('string').and.not.equal(tokens.refreshToken)
      expect(after.accessToken).to.be.a('string').and.not.equal(tokens.accessToken)
      // The rejected key is replaced by a new one (the imported id revoked), which the retry uses.
      expect(after.apiKey).to.be.a('string').and.not.equal(minted.secret)
      const keyId = readConfig(scene.dir).profiles[0].keyId!
      expect(server.minted.get(keyId)?.secret).to.equal(after.apiKey)
      expect(server.minted.has(minted.id), 'the imported key id revoked').to.equal(false)
      const listCalls = server.calls('/list-projects')
      expect(listCalls.at(-2)?.authorization).to.equal(`Bearer ${minted.secret}`)
      expect(listCalls.at(-1)?.authorization).to.equal(`Bearer ${after.apiKey}`)
      // It was the imported refresh token that was spent: the provider has consumed it.
      const spent = (await op.provider.RefreshToken.find(tokens.refreshToken!)) as undefined | {consumed?: unknown}
      expect(spent === undefined || Boolean(spent.consumed), 'the imported refresh token is consumed').to.equal(true)
    })
  })

  describe('at scale and under interruption (file store)', () => {
    /** `n` API-key profiles of the default environment. */
    const many = (n: number): ProfilesDbSpec => ({
      profiles: Array.from({length: n}, (_, i) => ({api_key: `llx-many-${i}-abcdefghijklmnop`, api_url: PY_DEFAULT_API_URL, name: `p-${i}`, project_id: 'p1'})),
    })

    it('writes the secrets of an import in one write: 10,000 profiles in under 30 s, with one summary warning for many skipped rows', async function () {
      this.timeout(120_000)
      const spec = many(10_000)
      // 50 rows with a project id that is not printable text are skipped: one line sums them up.
      spec.profiles!.push(...Array.from({length: 50}, (_, i) => ({api_key: null, api_url: LOCAL, name: `dup-${i}`, project_id: 'p\u0001'})))
      buildProfilesDb(scene.source, spec)
      const start = Date.now()
      const result = ok(await run(['auth', 'import', '--json'], {}))
      expect(Date.now() - start).to.be.lessThan(30_000)
      expect(json(result).profiles.added).to.have.length(10_000)
      expect(json(result).profiles.skipped).to.have.length(50)
      expect(lines(result.stderr)).to.deep.equal([
        'Warning: Skipped 50 rows of profiles.db: its project id is not printable text (50). `llamactl auth import --dry-run --json` lists them',
      ])
      expect(Object.keys(readSecrets(scene.dir))).to.have.length(10_000)
    })

    it('a 5 MB api_key row is skipped with a warning (keys are capped at 4096 characters); the other rows come over', async () => {
      buildProfilesDb(scene.source, {
        profiles: [
          {api_key: 'llx-' + 'k'.repeat(5 * 1024 * 1024), api_url: PY_DEFAULT_API_URL, name: 'huge', project_id: 'p1'},
          {api_key: 'llx-' + 'k'.repeat(4092), api_url: PY_DEFAULT_API_URL, name: 'at-the-cap', project_id: 'p1'},
        ],
      })
      const result = ok(await run(['auth', 'import', '--json']))
      expect(json(result).profiles.added.map((p: {name: string}) => p.name)).to.deep.equal(['at-the-cap'])
      expect(lines(result.stderr)).to.deep.equal([
        `Warning: Skipped profile "huge" of ${PY_DEFAULT_API_URL}: its API key is longer than 4096 characters (not a key)`,
      ])
      expect(Object.values(readSecrets(scene.dir)).map((s) => s.apiKey?.length)).to.deep.equal([4096])
    })
  })

  describe('with the OS keychain (gnome-keyring over D-Bus)', () => {
    before(async function () {
      if (!(await keychainAvailable())) this.skip()
    })

    it('puts the imported secrets in the keychain: config.json and secrets.json hold none', async () => {
      buildProfilesDb(scene.source, V2)
      const result = ok(
        await runInProcess(['auth', 'list', '--json'], {env: {LLAMACTL_CONFIG_DIR: scene.dir, LLAMACTL_SECRET_STORE: 'keychain'}, timeoutMs: 30_000}),
      )
      expect(lines(result.stderr)[0]).to.match(SUMMARY)
      expect(readdirSync(scene.dir).sort()).to.deep.equal(['config.json', 'profiles.db'])
      const config = readConfig(scene.dir)
      try {
        const stored = await Promise.all(
          config.profiles.map(async (p) => [p.name, JSON.parse((await keytar().getPassword('llamactl', `profile:${p.id}`)) ?? 'null')]),
        )
        expect(Object.fromEntries(stored)).to.deep.equal({
          'alice@example.com': {accessToken: 'access-1', apiKey: MINTED, idToken: 'id-1', refreshToken: 'refresh-1'},
          local: null,
          work: {apiKey: API_KEY},
        })
        const text = readFileSync(path.join(scene.dir, 'config.json'), 'utf8')
        for (const secret of SECRETS) expect(text).not.to.include(secret)
      } finally {
        await Promise.all(config.profiles.map((p) => keytar().deletePassword('llamactl', `profile:${p.id}`)))
      }
    })
  })
})
