// What the auth login tests of both lanes share: login.test.ts (in-process) and login.e2e.test.ts
// (the built CLI). The session they start, the helpers and the one-project case, written once here.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {CliResult} from '../../support/cli.js'
import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {readConfig, readSecrets, STAND_IN_BROWSER} from '../../support/login-session.js'
import {ALICE, TestAccount, TestOidcOptions, TestOidcProvider} from '../../support/oidc-provider.js'

/** A control plane (the fixture's) with a real oidc-provider attached, and where the stand-in browser logs. */
export interface LoginSession {
  browserLog: string
  f: Fixture
  op: TestOidcProvider
}

/** Starts a login session; `server` goes to setUp (the lane's `inProcess` with it). */
export async function startLoginSession(oidc: TestOidcOptions, server: Parameters<typeof setUp>[0]): Promise<LoginSession> {
  const f = await setUp(server)
  const op = await new TestOidcProvider(oidc).start()
  op.attach(f.server)
  return {browserLog: path.join(f.dir, 'browser.log'), f, op}
}

/** The login sessions the tests of the calling describe start, each provider stopped and fixture cleaned up after its test. */
export function sessionPerTest(server: Parameters<typeof setUp>[0] = {}): {start(oidc?: TestOidcOptions): Promise<LoginSession>} {
  const started: LoginSession[] = []
  afterEach(async () => {
    for (const s of started.splice(0)) {
      await s.op.stop()
      await s.f.cleanup()
    }
  })
  return {
    async start(oidc = {}) {
      const s = await startLoginSession(oidc, server)
      started.push(s)
      return s
    },
  }
}

/** Runs `auth login` with the stand-in browser signing in as `account` and approving (or `action`). */
export function login(s: LoginSession, args: string[] = [], account: TestAccount = ALICE, action = 'approve'): Promise<CliResult> {
  return s.f.run(['auth', 'login', ...args], {
    env: {BROWSER: STAND_IN_BROWSER, LLAMACTL_TEST_BROWSER_ACTION: action, LLAMACTL_TEST_BROWSER_EMAIL: account.email, LLAMACTL_TEST_BROWSER_LOG: s.browserLog},
    timeoutMs: 30_000,
  })
}

export const loginProfiles = (f: Fixture) => readConfig(f.dir).profiles.filter((p) => p.authType === 'login')

/** No secret may show up in the config file or on stdout. */
export function expectNoLeak(f: Fixture, stdout: string): void {
  const config = f.configText()
  for (const secrets of Object.values(readSecrets(f.dir)))
    for (const value of [secrets.apiKey, secrets.accessToken, secrets.refreshToken, secrets.idToken].filter(Boolean)) {
      expect(config).not.to.include(value)
      expect(stdout).not.to.include(value)
    }
}

/** logs in with one project: prints URL and code, opens the browser, stores the key and tokens as secrets */
export async function logsInWithOneProject(s: LoginSession): Promise<void> {
  const {f, op} = s
  const result = ok(await login(s, ['--json']))
  expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'login', current: true, name: ALICE.email, projectId: 'p1'})

  const [, uri, code] = /open (http:\/\/127\.0\.0\.1:\d+\/device) and enter the code (\S+)/.exec(result.stderr) ?? []
  expect(uri, result.stderr).to.equal(`${op.issuer}/device`)
  // The browser got verification_uri_complete as its one argument.
  expect(readFileSync(s.browserLog, 'utf8')).to.include(`opened ${uri}?user_code=${code} (1 argument(s))`).and.include('finished on "Sign-in Success"')

  const [profile] = loginProfiles(f)
  expect(profile).to.include({authType: 'login', email: ALICE.email, name: ALICE.email, projectId: 'p1', sub: ALICE.sub})
  expect(readConfig(f.dir).environments.find((e) => e.apiUrl === f.server.url)?.currentProfile).to.equal(ALICE.email)
  const minted = f.server.minted.get(profile.keyId!)
  expect(minted, 'the key id in the profile is the one minted').to.not.equal(undefined)
  expect(f.server.calls('/api/v1/api-keys', 'POST')[0].body).to.deep.equal({name: `${ALICE.email} llamactl on ${os.hostname()}`, project_id: null})

  const secrets = readSecrets(f.dir)[`profile:${profile.id}`]
  expect(secrets.apiKey).to.equal(minted!.secret)
  expect(secrets.accessToken).to.be.a('string')
  expect(secrets.refreshToken).to.be.a('string')
  expect(secrets.idToken).to.match(/^ey[\w-]+\.[\w-]+\.[\w-]+$/)
  expect(secrets.expiresAt).to.be.greaterThan(Date.now() / 1000)
  expectNoLeak(f, result.stdout)

  const listed = json(ok(await f.run(['auth', 'list', '--json'])))
  expect(listed.profiles.find((p: {name: string}) => p.name === ALICE.email)).to.deep.equal({
    apiUrl: f.server.url,
    authType: 'login',
    current: true,
    name: ALICE.email,
    projectId: 'p1',
  })
}
