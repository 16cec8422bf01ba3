import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {readConfig, readSecrets, STAND_IN_BROWSER, startCli} from '../../support/login-session.js'
import {KEYS, runInPty} from '../../support/pty.js'
import {ALICE, BOB, DEVICE_GRANT, TestAccount, TestOidcOptions, TestOidcProvider} from '../../support/oidc-provider.js'

describe('auth login (browser, OIDC device flow against a real oidc-provider)', function () {
  this.timeout(60_000)
  let f: Fixture
  let op: TestOidcProvider
  let browserLog: string

  async function start(oidc: TestOidcOptions = {}, server: Parameters<typeof setUp>[0] = {}) {
    f = await setUp(server)
    op = await new TestOidcProvider(oidc).start()
    op.attach(f.server)
    browserLog = path.join(f.dir, 'browser.log')
  }

  afterEach(async () => {
    await op?.stop()
    await f?.cleanup()
  })

  /** Runs `auth login` with the stand-in browser signing in as `account` and approving (or `action`). */
  const login = (args: string[] = [], account: TestAccount = ALICE, action = 'approve') =>
    f.run(['auth', 'login', ...args], {
      env: {BROWSER: STAND_IN_BROWSER, LLAMACTL_TEST_BROWSER_ACTION: action, LLAMACTL_TEST_BROWSER_EMAIL: account.email, LLAMACTL_TEST_BROWSER_LOG: browserLog},
      timeoutMs: 30_000,
    })

  const loginProfiles = () => readConfig(f.dir).profiles.filter((p) => p.authType === 'login')

  /** No secret may show up in the config file or on stdout. */
  function expectNoLeak(stdout: string) {
    const config = f.configText()
    for (const secrets of Object.values(readSecrets(f.dir)))
      for (const value of [secrets.apiKey, secrets.accessToken, secrets.refreshToken, secrets.idToken].filter(Boolean)) {
        expect(config).not.to.include(value)
        expect(stdout).not.to.include(value)
      }
  }

  it('logs in with one project: prints URL and code, opens the browser, stores the key and tokens as secrets', async () => {
    await start()
    const result = ok(await login(['--json']))
    expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'login', current: true, name: ALICE.email, projectId: 'p1'})

    const [, uri, code] = /open (http:\/\/127\.0\.0\.1:\d+\/device) and enter the code (\S+)/.exec(result.stderr) ?? []
    expect(uri, result.stderr).to.equal(`${op.issuer}/device`)
    // The browser got verification_uri_complete as its one argument.
    expect(readFileSync(browserLog, 'utf8')).to.include(`opened ${uri}?user_code=${code} (1 argument(s))`).and.include('finished on "Sign-in Success"')

    const [profile] = loginProfiles()
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
    expectNoLeak(result.stdout)

    const listed = json(ok(await f.run(['auth', 'list', '--json'])))
    expect(listed.profiles.find((p: {name: string}) => p.name === ALICE.email)).to.deep.equal({
      apiUrl: f.server.url,
      authType: 'login',
      current: true,
      name: ALICE.email,
      projectId: 'p1',
    })
  })

  it('two processes hitting the rejected key at once spend one refresh grant and mint one key (provider delays the grant so they overlap)', async () => {
    await start({refreshDelayMs: 1500})
    ok(await login())
    const [profile] = loginProfiles()
    f.server.revokeKey(readSecrets(f.dir)[`profile:${profile.id}`].apiKey!)

    const [a, b] = await Promise.all([f.run(['auth', 'project', 'p1']), f.run(['auth', 'project', 'p1'])])
    ok(a)
    ok(b)
    expect(op.grants('refresh_token'), 'exactly one refresh grant reached the provider').to.have.length(1)
    expect(f.server.calls('/api/v1/api-keys', 'POST'), 'one key at login, one in place of the rejected one').to.have.length(2)
    expect((a.stderr + b.stderr).match(/replaced it with a new one/g)).to.have.length(1)
    // Both retried with the same, new key.
    const retried = f.server
      .calls('/list-projects')
      .slice(-4)
      .map((c) => c.authorization)
    const fresh = `Bearer ${readSecrets(f.dir)[`profile:${profile.id}`].apiKey}`
    expect(retried.filter((auth) => auth === fresh)).to.have.length(2)
  })

  it('in a terminal: shows a spinner with the time left, then lets a person choose among several projects', async () => {
    await start()
    const result = await runInPty(['auth', 'login'], {
      env: {
        ...f.env,
        BROWSER: STAND_IN_BROWSER,
        LLAMACTL_TEST_BROWSER_ACTION: 'approve',
        LLAMACTL_TEST_BROWSER_EMAIL: BOB.email,
        LLAMACTL_TEST_BROWSER_LOG: browserLog,
      },
      steps: [{send: `${KEYS.down}${KEYS.enter}`, waitFor: 'Choose a project'}],
      timeoutMs: 30_000,
    })
    expect(result.code, result.screen).to.equal(0)
    expect(result.screen).to.match(/To sign in, open http:\/\/127\.0\.0\.1:\d+\/device and enter the code \S+/)
    expect(result.screen).to.match(/Waiting for approval in the browser… \(code expires in \d+:\d\d\)/)
    expect(result.screen).to.include('Demo — p1 (3 deployments)')
    expect(loginProfiles().map((p) => [p.name, p.projectId])).to.deep.equal([[BOB.email, 'p2']])
  })

  it('Ctrl-C while waiting exits 130 and stores nothing', async () => {
    await start()
    const cli = startCli(['auth', 'login', '--no-browser'], f.env)
    await cli.waitForStderr(/enter the code \S+/)
    await sleep(1500) // let it poll a little
    const sent = Date.now()
    cli.child.kill('SIGINT')
    const result = await cli.done
    expect(result.code, result.stderr).to.equal(130)
    expect(Date.now() - sent, 'stops promptly').to.be.lessThan(3000)
    expect(result.stderr).to.match(/Error: Cancelled/)
    expect(loginProfiles()).to.deep.equal([])
    expect(readSecrets(f.dir)).to.deep.equal({})
    expect(op.grants(DEVICE_GRANT).length, 'it was polling').to.be.greaterThan(0)
  })
})

describe('lazy loading of the login code', function () {
  this.timeout(60_000)
  let f: Fixture

  afterEach(() => f?.cleanup())

  /** Module URLs a CLI run loaded. */
  async function loadedBy(args: string[]): Promise<string[]> {
    const log = path.join(f.dir, `imports-${args.join('-').replaceAll(/[^\w.-]/g, '_')}.log`)
    const recorder = path.join(path.dirname(STAND_IN_BROWSER), 'import-recorder.mjs')
    await f.run(args, {env: {LLAMACTL_TEST_IMPORT_LOG: log, NODE_OPTIONS: `--import=${recorder}`}})
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []
  }

  it('auth list, switch and env list load no heavy module (got, keytar, enquirer, openid-client, the HTTP stack); status --offline, inject and exec no HTTP or OpenID; auth token and login do', async () => {
    f = await setUp()
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'one']))
    const heavy =
      /node_modules\/(got|keytar|enquirer|openid-client|oauth4webapi|https-proxy-agent|agent-base)\/|device-login|login-service|token-refresh|control-plane-client|\/net\/(http|proxy)\.js/
    const readOnly = /node_modules\/proper-lockfile\//
    for (const args of [
      ['auth', 'list'],
      ['auth', 'env', 'list'],
      ['auth', 'switch', 'one'],
    ]) {
      const loaded = await loadedBy(args)
      expect(
        loaded.some((url) => url.includes('@oclif/core')),
        'the recorder works',
      ).to.equal(true)
      expect(
        loaded.filter((url) => heavy.test(url)),
        args.join(' '),
      ).to.deep.equal([])
      // Only switch writes the config, so only it needs the lock code.
      if (args[1] !== 'switch')
        expect(
          loaded.filter((url) => readOnly.test(url)),
          args.join(' '),
        ).to.deep.equal([])
    }

    // The credential commands that make no network call load no HTTP, OpenID or prompt code either.
    for (const args of [
      ['auth', 'status', '--offline'],
      ['auth', 'inject', '-f', path.join(f.dir, 'x.env')],
      ['auth', 'exec', '--', process.execPath, '-e', '0'],
    ]) {
      const loaded = await loadedBy(args)
      expect(
        loaded.some((url) => url.includes('@oclif/core')),
        'the recorder works',
      ).to.equal(true)
      expect(
        loaded.filter((url) =>
          /node_modules\/(got|enquirer|openid-client|oauth4webapi|https-proxy-agent)\/|device-login|login-service|net\/http\.js/.test(url),
        ),
        args[1],
      ).to.deep.equal([])
    }

    const token = await loadedBy(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'one'])
    expect(
      token.some((url) => url.includes('node_modules/got/')),
      'auth token loads got',
    ).to.equal(true)
    // openid-client loads only once the server offers browser login; the code then expires unapproved after 1 s.
    const op = await new TestOidcProvider({deviceCodeTtl: 1}).start()
    try {
      op.attach(f.server)
      const login = await loadedBy(['auth', 'login', '--no-browser'])
      expect(login.some((url) => url.includes('openid-client'))).to.equal(true)
    } finally {
      await op.stop()
    }
  })
})
