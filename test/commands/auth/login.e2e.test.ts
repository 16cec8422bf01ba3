import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {Fixture, ok, setUp} from '../../support/fixture.js'
import {readSecrets, STAND_IN_BROWSER, startCli} from '../../support/login-session.js'
import {KEYS, runInPty} from '../../support/pty.js'
import {BOB, DEVICE_GRANT, TestOidcProvider} from '../../support/oidc-provider.js'
import {login as loginSession, loginProfiles as sessionLoginProfiles, logsInWithOneProject, sessionPerTest} from './login.cases.js'

// What only the built CLI shows of auth login: a login, two processes at once, the terminal and
// Ctrl-C; the unit lane (login.test.ts) has the rest.
describe('auth login through the built CLI (browser, OIDC device flow against a real oidc-provider)', function () {
  this.timeout(60_000)
  const sessions = sessionPerTest()

  it('logs in with one project: prints URL and code, opens the browser, stores the key and tokens as secrets', async () => {
    await logsInWithOneProject(await sessions.start())
  })

  it('two processes hitting the rejected key at once spend one refresh grant and mint one key (provider delays the grant so they overlap)', async () => {
    const session = await sessions.start({refreshDelayMs: 1500})
    const {f, op} = session
    ok(await loginSession(session))
    const [profile] = sessionLoginProfiles(f)
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
    const {browserLog, f} = await sessions.start()
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
    expect(sessionLoginProfiles(f).map((p) => [p.name, p.projectId])).to.deep.equal([[BOB.email, 'p2']])
  })

  it('Ctrl-C while waiting exits 130 and stores nothing', async () => {
    const {f, op} = await sessions.start()
    const cli = startCli(['auth', 'login', '--no-browser'], f.env)
    await cli.waitForStderr(/enter the code \S+/)
    await sleep(1500) // let it poll a little
    const sent = Date.now()
    cli.child.kill('SIGINT')
    const result = await cli.done
    expect(result.code, result.stderr).to.equal(130)
    expect(Date.now() - sent, 'stops promptly').to.be.lessThan(3000)
    expect(result.stderr).to.match(/Error: Cancelled/)
    expect(sessionLoginProfiles(f)).to.deep.equal([])
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
    const loaded = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []
    expect(
      loaded.some((url) => url.includes('@oclif/core')),
      'the recorder works',
    ).to.equal(true)
    return loaded
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
