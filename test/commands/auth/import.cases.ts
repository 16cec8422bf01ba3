// What the tests import.test.ts (in-process) and import.e2e.test.ts (the built CLI) share: the Python
// profiles.db they import and the first-run case, written once here and run in each lane with its runner.
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {CliResult, RunOptions} from '../../support/cli.js'
import {tempConfigDir} from '../../support/cli.js'
import {json, ok} from '../../support/fixture.js'
import {readSecrets} from '../../support/login-session.js'
import {buildProfilesDb, deviceOidc, fingerprint, PY_DEFAULT_API_URL, ProfilesDbSpec} from '../../support/python-profiles-db.js'

export const LOCAL = 'http://127.0.0.1:8000'
export const API_KEY = 'llx-apikey-abcdefghijklmnop'
export const MINTED = 'llx-minted-qrstuvwxyz012345'
export const OIDC = deviceOidc({accessToken: 'access-1', email: 'alice@example.com', idToken: 'id-1', refreshToken: 'refresh-1', sub: 'sub-alice'})
export const SECRETS = [API_KEY, MINTED, 'access-1', 'refresh-1', 'id-1']

/** Version 2: an API-key, a login and a key-less profile in two environments. */
export const V2: ProfilesDbSpec = {
  environments: [{api_url: LOCAL, min_llamactl_version: null, requires_auth: 0}],
  profiles: [
    {api_key: API_KEY, api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'},
    {api_key: MINTED, api_key_id: 'key-42', api_url: PY_DEFAULT_API_URL, device_oidc: OIDC, name: 'alice@example.com', project_id: 'p2'},
    {api_key: null, api_url: LOCAL, name: 'local', project_id: 'default'},
  ],
  settings: {current_environment_api_url: PY_DEFAULT_API_URL, current_profile: 'alice@example.com'},
}

export const SUMMARY =
  /^Imported 1 environment and 3 profiles from the Python llamactl's .*profiles\.db\. That file was left as it was and still holds the keys in plain text: delete it once you no longer use the Python llamactl\.$/

/** The CLI in a lane's way, with the config dir of the test. */
export type Run = (args: string[], extra?: NodeJS.ProcessEnv) => Promise<CliResult>

/** The non-empty lines of a stream. */
export const lines = (stderr: string) => stderr.split('\n').filter(Boolean)

/** auth list imports it, says what came over in one stderr line, and leaves profiles.db byte-identical with its mtime */
export async function firstRunImports(run: Run, dir: string): Promise<void> {
  const source = path.join(dir, 'profiles.db')
  buildProfilesDb(source, V2)
  const before = fingerprint(source)
  const first = ok(await run(['auth', 'list', '--json']))
  expect(json(first)).to.deep.equal({
    environment: PY_DEFAULT_API_URL,
    profiles: [
      {apiUrl: PY_DEFAULT_API_URL, authType: 'login', current: true, name: 'alice@example.com', projectId: 'p2'},
      {apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', current: false, name: 'work', projectId: 'p1'},
    ],
  })
  expect(lines(first.stderr)).to.have.length(1)
  expect(lines(first.stderr)[0]).to.match(SUMMARY)
  expect(lines(first.stderr)[0]).to.include(source)

  expect(fingerprint(source)).to.deep.equal(before)
  expect(readdirSync(dir).sort()).to.deep.equal(['config.json', 'profiles.db', 'secrets.json'])
  const config = readFileSync(path.join(dir, 'config.json'), 'utf8')
  for (const secret of SECRETS) {
    expect(config).not.to.include(secret)
    expect(first.stdout + first.stderr).not.to.include(secret)
  }

  expect(
    Object.values(readSecrets(dir))
      .map((s) => s.apiKey)
      .sort(),
  ).to.deep.equal([API_KEY, MINTED])
  const envs = json(ok(await run(['auth', 'env', 'list', '--json'])))
  expect(envs.environments.map((e: {apiUrl: string}) => e.apiUrl)).to.deep.equal([PY_DEFAULT_API_URL, LOCAL])

  // Only the first run imports.
  const second = ok(await run(['auth', 'list']))
  expect(second.stderr).to.equal('')
  expect(fingerprint(source)).to.deep.equal(before)
}

/**
 * A fresh config dir per test (`scene.dir`), the Python profiles.db path in it (`scene.source`),
 * and `scene.run`, the CLI (`runner`: the lane's way) with that dir and the file secret store.
 * Call it inside a describe: it adds the beforeEach and afterEach hooks.
 */
export function profilesDbScene(runner: (args: string[], options: RunOptions) => Promise<CliResult>) {
  let cleanup = () => {}
  const scene = {
    dir: '',
    env: () => ({LLAMACTL_CONFIG_DIR: scene.dir, LLAMACTL_SECRET_STORE: 'file'}),
    /** Removes the config dir and makes a new one. */
    renew() {
      cleanup()
      ;({cleanup, dir: scene.dir} = tempConfigDir())
      scene.source = path.join(scene.dir, 'profiles.db')
    },
    run: (args: string[], extra: NodeJS.ProcessEnv = {}) => runner(args, {env: {...scene.env(), ...extra}, timeoutMs: 30_000}),
    source: '',
  }
  beforeEach(() => scene.renew())
  afterEach(() => {
    cleanup()
    cleanup = () => {}
  })
  return scene
}
