import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT} from '../../support/cli.js'
import {runInProcess} from '../../support/in-process-cli.js'
import {fails, Fixture, ok, setUp} from '../../support/fixture.js'
import {ForwardProxy} from '../../support/forward-proxy.js'
import {HostileServer, sendJson} from '../../support/hostile-server.js'
import {readConfig, STAND_IN_BROWSER} from '../../support/login-session.js'
import {ALICE, TestOidcProvider} from '../../support/oidc-provider.js'
import {acceptsAnything, cliIn, escape, redirectToAnotherHost, tempDirAndServers} from './network.cases.js'

const ARGV_RECORDER = path.join(ROOT, 'test', 'support', 'argv-recorder.mjs')

describe('auth commands against hostile servers and through proxies', function () {
  this.timeout(60_000)
  const scene = tempDirAndServers()
  const {track} = scene

  describe('redirects', () => {
    it('a redirect to another host that answers 200 is not "the key is valid": no profile is saved', () =>
      redirectToAnotherHost(runInProcess, scene.dir, track))

    it('a redirected version probe: env add fails with the redirect and adds no environment', async () => {
      const other = track(await new HostileServer(acceptsAnything).start())
      const server = track(
        await new HostileServer((req, res) => {
          res.writeHead(308, {location: `${other.url}${req.url}`})
          res.end()
        }).start(),
      )
      const run = cliIn(runInProcess, scene.dir)
      const result = await run(['auth', 'env', 'add', server.url, '--json'])
      fails(result, 1, /version answered with a redirect \(308\)/)
      expect(JSON.parse(result.stdout).error.code).to.equal('redirect')
      expect(other.requests).to.deep.equal([])
      expect(existsSync(path.join(scene.dir, 'config.json')) ? readConfig(scene.dir).environments.map((e) => e.apiUrl) : []).not.to.include(server.url)
    })
  })

  describe('hostile sizes and shapes', () => {
    it('a version document with requires_auth "yes" is bad_response, not "no auth": env add adds nothing', async () => {
      const server = track(
        await new HostileServer((_, res) => sendJson(res, 200, {capabilities: [], requires_auth: 'yes', version: '1.0.0'}, 'rid-yes')).start(),
      )
      const result = await cliIn(runInProcess, scene.dir)(['auth', 'env', 'add', server.url, '--json'])
      fails(result, 1, /deployments-public\/version did not answer with what a llamactl control plane sends \(request id rid-yes\)/)
      expect(JSON.parse(result.stdout).error.code).to.equal('bad_response')
      expect(existsSync(path.join(scene.dir, 'config.json')) ? readConfig(scene.dir).environments.map((e) => e.apiUrl) : []).not.to.include(server.url)
    })
  })

  describe('errors that used to mislead', () => {
    let f: Fixture
    afterEach(() => f?.cleanup())

    it('an API key with a line break or a character outside ASCII is a usage error about the key: exit 2, never echoed, nothing sent', async () => {
      f = await setUp({inProcess: true})
      for (const bad of [`${f.key}\nsecond-line`, `llx-€${f.key.slice(5)}`]) {
        const result = await f.run(['auth', 'token', '--api-key', bad, '--project-id', 'p1'])
        fails(
          result,
          2,
          /^Error: The API key contains a space, a line break, a control character or a non-ASCII character, which no server accepts\. Copy the key again/,
        )
        expect(result.stderr).not.to.include(f.key.slice(5, 20))
      }

      expect(f.server.calls('list-projects')).to.deep.equal([])
    })

    it('LLAMACTL_HTTP_TIMEOUT_MS=abc and LLAMACTL_KEYCHAIN_TIMEOUT_MS=abc are usage errors naming the variable, not ignored', async () => {
      f = await setUp({inProcess: true})
      for (const [name, value] of [
        ['LLAMACTL_HTTP_TIMEOUT_MS', 'abc'],
        ['LLAMACTL_HTTP_TIMEOUT_MS', '0'],
        ['LLAMACTL_KEYCHAIN_TIMEOUT_MS', 'abc'],
        ['LLAMACTL_KEYCHAIN_TIMEOUT_MS', '1.5'],
      ])
        fails(
          await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {[name]: value}}),
          2,
          new RegExp(`${name} must be a whole number of milliseconds`),
        )
      expect(f.server.calls('list-projects')).to.deep.equal([])
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: ''}}))
    })

    it('a timed-out request is not retried: the error comes after the stated bound, not twice it', async () => {
      f = await setUp({inProcess: true})
      f.server.fail({fault: {kind: 'hang'}, path: 'list-projects'})
      const started = Date.now()
      fails(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: '3000'}}), 1, /did not answer within 3s/)
      expect(Date.now() - started, 'one timeout and start-up, not two timeouts').to.be.lessThan(5500)
      expect(f.server.calls('list-projects')).to.have.length(1)
    })
  })

  describe('through a real forward proxy on loopback', () => {
    let f: Fixture
    let proxy: ForwardProxy
    beforeEach(async () => {
      proxy = track(await new ForwardProxy().start())
    })
    afterEach(() => f?.cleanup())

    it('HTTP_PROXY, http_proxy or ALL_PROXY: a plain-http control plane gets absolute-form requests through the proxy', async () => {
      f = await setUp({inProcess: true})
      const listProjects = `${f.server.url}/api/v1beta1/deployments/list-projects`
      const version = `${f.server.url}/api/v1beta1/deployments-public/version`
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {HTTP_PROXY: proxy.url}}))
      expect(proxy.seen).to.deep.equal([{method: 'GET', target: listProjects}])
      ok(await f.run(['auth', 'env', 'switch', f.server.url], {env: {http_proxy: proxy.url}}))
      ok(await f.run(['auth', 'env', 'switch', f.server.url], {env: {ALL_PROXY: proxy.url}}))
      expect(proxy.seen.slice(1)).to.deep.equal([
        {method: 'GET', target: version},
        {method: 'GET', target: version},
      ])
    })

    it('NO_PROXY: a host it names is reached directly and the proxy sees nothing', async () => {
      f = await setUp({inProcess: true})
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1'}}))
      ok(await f.run(['auth', 'env', 'switch', f.server.url], {env: {no_proxy: '127.0.0.0/8', http_proxy: proxy.url}}))
      expect(proxy.seen).to.deep.equal([])
      expect(f.server.calls('list-projects')).to.have.length(1)
    })

    it('auth login: the OpenID requests take the same proxy as the control-plane ones', async () => {
      f = await setUp({inProcess: true})
      const op = track(await new TestOidcProvider().start())
      op.attach(f.server)
      ok(
        await f.run(['auth', 'login'], {
          env: {BROWSER: STAND_IN_BROWSER, HTTP_PROXY: proxy.url, LLAMACTL_TEST_BROWSER_EMAIL: ALICE.email},
          timeoutMs: 30_000,
        }),
      )
      const targets = proxy.seen.map((r) => `${r.method} ${r.target}`)
      for (const expected of [
        `GET ${f.server.url}/api/v1/auth/oidc/discovery`,
        `GET ${op.discoveryUrl}`,
        `POST ${op.issuer}/device/auth`,
        `POST ${op.issuer}/token`,
        `GET ${op.issuer}/jwks`,
        `POST ${f.server.url}/api/v1/api-keys`,
      ])
        expect(targets, expected).to.include(expected)
    })

    it('a proxy that is down is named in the error; a socks proxy is a usage error', async () => {
      f = await setUp({inProcess: true})
      const down = proxy.url
      await proxy.stop()
      const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {HTTP_PROXY: `http://me:hunter2@${new URL(down).host}`}})
      fails(
        result,
        1,
        new RegExp(`Could not reach ${escape(f.server.url)} through the proxy ${escape(down)} \\(HTTP_PROXY\\) \\(ECONNREFUSED\\)\\. Check the proxy settings`),
      )
      expect(result.stderr).not.to.include('hunter2')
      const socks = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {ALL_PROXY: 'socks5://me:hunter2@127.0.0.1:1080'}})
      fails(socks, 2, /ALL_PROXY names a socks5 proxy, which llamactl does not support/)
      expect(socks.stderr).not.to.include('hunter2')
    })
  })

  describe('the browser opened by auth login', () => {
    let f: Fixture
    afterEach(() => f?.cleanup())

    it('a provider sending verification_uri_complete "--renderer-cmd-prefix=…" (faked in front of oidc-provider): one-line error, the browser never starts, the value is never printed, nothing stored', async () => {
      f = await setUp({inProcess: true})
      const hostile = '--renderer-cmd-prefix=touch /tmp/llamactl-pwned'
      const op = track(await new TestOidcProvider({deviceAuthorization: {verification_uri_complete: hostile}, deviceCodeTtl: 5}).start())
      op.attach(f.server)
      const argvLog = path.join(f.dir, 'argv.log')
      const result = await f.run(['auth', 'login'], {env: {BROWSER: ARGV_RECORDER, LLAMACTL_TEST_ARGV_LOG: argvLog}})
      fails(result, 1, /sent a sign-in URL that is not an absolute https URL; nothing was opened/)
      expect(result.stderr).not.to.include('renderer')
      expect(existsSync(argvLog), 'the browser was never started').to.equal(false)
      expect(readConfig(f.dir).profiles.filter((p) => p.authType === 'login')).to.deep.equal([])
      expect(f.server.minted.size).to.equal(0)
    })

    it('BROWSER with arguments ("node stand-in-browser.mjs") runs the program with them and the URL last: the login completes', async () => {
      f = await setUp({inProcess: true})
      const op = track(await new TestOidcProvider({deviceCodeTtl: 15}).start())
      op.attach(f.server)
      const browserLog = path.join(f.dir, 'browser.log')
      ok(
        await f.run(['auth', 'login'], {
          env: {
            BROWSER: `${JSON.stringify(process.execPath)} ${STAND_IN_BROWSER}`,
            LLAMACTL_TEST_BROWSER_EMAIL: ALICE.email,
            LLAMACTL_TEST_BROWSER_LOG: browserLog,
          },
          timeoutMs: 30_000,
        }),
      )
      expect(readFileSync(browserLog, 'utf8')).to.match(/opened http:\/\/127\.0\.0\.1:\d+\/device\?user_code=\S+ \(1 argument\(s\)\)/)
    })
  })
})
