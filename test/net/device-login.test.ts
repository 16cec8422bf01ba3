import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'

import {DeviceLogin} from '../../src/net/device-login.js'
import {CancelledError, CliError} from '../../src/errors.js'
import {ForwardProxy} from '../support/forward-proxy.js'
import {HostileServer, streamHugeBody} from '../support/hostile-server.js'
import {STAND_IN_BROWSER} from '../support/login-session.js'
import {ALICE, CLI_CLIENT_ID, TestOidcProvider} from '../support/oidc-provider.js'
import {rejection} from '../support/rejection.js'

/** Runs the stand-in browser on a URL and waits for it (bounded). */
function approveIn(url: string, action = 'approve'): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [STAND_IN_BROWSER, url], {env: {...process.env, LLAMACTL_TEST_BROWSER_ACTION: action}, stdio: 'ignore'})
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

const failure = (promise: Promise<unknown>) => rejection<CliError>(promise)

describe('DeviceLogin (openid-client against a real oidc-provider)', function () {
  this.timeout(30_000)
  let op: TestOidcProvider
  beforeEach(async () => {
    op = await new TestOidcProvider().start()
  })
  afterEach(() => op.stop())

  const discover = () => DeviceLogin.discover({clientId: CLI_CLIENT_ID, discoveryUrl: op.discoveryUrl})

  it('starts a device authorization, waits for approval and returns tokens with verified ID token claims', async () => {
    const login = await discover()
    expect(login.issuer).to.equal(op.issuer)
    const auth = await login.start()
    expect(auth.verificationUri).to.equal(`${op.issuer}/device`)
    expect(auth.verificationUriComplete).to.equal(`${op.issuer}/device?user_code=${encodeURIComponent(auth.userCode)}`)
    expect(auth.interval).to.equal(1)
    const [tokens, browserExit] = await Promise.all([login.wait(auth, new AbortController().signal), approveIn(auth.verificationUriComplete!)])
    expect(browserExit).to.equal(0)
    expect(tokens.claims).to.deep.equal({email: ALICE.email, sub: ALICE.sub})
    expect(await op.identityFor(tokens.accessToken)).to.include({email: ALICE.email})
    expect(tokens.refreshToken).to.be.a('string')
  })

  it('refresh rotates the refresh token', async () => {
    const login = await discover()
    const auth = await login.start()
    const [tokens] = await Promise.all([login.wait(auth, new AbortController().signal), approveIn(auth.verificationUriComplete!)])
    const fresh = await login.refresh(tokens.refreshToken!)
    expect(fresh.refreshToken).to.be.a('string').and.not.equal(tokens.refreshToken)
    expect(fresh.claims?.sub).to.equal(ALICE.sub)
    const again = await failure(login.refresh(tokens.refreshToken!))
    expect(again.code).to.equal('session_expired')
    expect(again.line).to.match(/session expired.*`llamactl auth login` again/)
  })

  it('an ID token whose signature does not match the provider JWKS is rejected (JWKS swapped by test middleware)', async () => {
    await op.stop()
    op = await new TestOidcProvider({wrongJwks: true}).start()
    const login = await discover()
    const auth = await login.start()
    const [error] = await Promise.all([failure(login.wait(auth, new AbortController().signal)), approveIn(auth.verificationUriComplete!)])
    expect(error).to.be.instanceOf(CliError)
    expect(error.message).to.match(/Login failed at the OpenID provider: .*signature/i)
  })

  it('denial becomes access_denied with a clear line', async () => {
    const login = await discover()
    const auth = await login.start()
    const [error] = await Promise.all([failure(login.wait(auth, new AbortController().signal)), approveIn(auth.verificationUriComplete!, 'deny')])
    expect(error).to.be.instanceOf(CliError)
    expect(error.code).to.equal('access_denied')
    expect(error.message).to.match(/login was denied/i)
  })

  it('aborting the signal ends the wait at once with CancelledError', async () => {
    const login = await discover()
    const auth = await login.start()
    const cancel = new AbortController()
    const waiting = failure(login.wait(auth, cancel.signal))
    await sleep(300)
    const started = Date.now()
    cancel.abort()
    expect(await waiting).to.be.instanceOf(CancelledError)
    expect(Date.now() - started).to.be.lessThan(500)
  })

  it('refuses a plain-http provider that is not on loopback, without any request', async () => {
    const realFetch = globalThis.fetch
    const fetched: string[] = []
    globalThis.fetch = async (input, init) => {
      fetched.push(String(input))
      return realFetch(input, init)
    }

    try {
      const error = await failure(DeviceLogin.discover({clientId: 'x', discoveryUrl: 'http://login.example.com/.well-known/openid-configuration'}))
      expect(error.code).to.equal('insecure_provider')
    } finally {
      globalThis.fetch = realFetch
    }

    expect(fetched).to.deep.equal([])
  })

  it('follows no redirect from the provider: a one-line `redirect` error naming where it pointed', async () => {
    const hostile = await new HostileServer((req, res) => {
      res.writeHead(302, {location: op.discoveryUrl, 'x-request-id': 'rid-op'})
      res.end()
    }).start()
    try {
      const error = await failure(DeviceLogin.discover({clientId: CLI_CLIENT_ID, discoveryUrl: `${hostile.url}/.well-known/openid-configuration`}))
      expect(error.code).to.equal('redirect')
      expect(error.line).to.equal(
        `${hostile.url}/.well-known/openid-configuration answered with a redirect (302, request id rid-op) to ${op.discoveryUrl}. llamactl follows no redirects, so nothing was sent there. Check the URL: that is not an answer llamactl expects`,
      )
    } finally {
      await hostile.stop()
    }
  })

  it('refuses an OpenID answer over 1 MiB as bad_response', async () => {
    const hostile = await new HostileServer((_, res) => void streamHugeBody(res, 64 * 1024 * 1024, 10_000)).start()
    try {
      const error = await failure(DeviceLogin.discover({clientId: CLI_CLIENT_ID, discoveryUrl: `${hostile.url}/.well-known/openid-configuration`}))
      expect(error.code).to.equal('bad_response')
      expect(error.line).to.include('sent an answer larger than 1 MiB')
    } finally {
      await hostile.stop()
    }
  })

  it("sends its requests through the proxy the environment names, like the control plane's", async () => {
    const proxy = await new ForwardProxy().start()
    try {
      const login = await DeviceLogin.discover({clientId: CLI_CLIENT_ID, discoveryUrl: op.discoveryUrl}, {env: {HTTP_PROXY: proxy.url}})
      await login.start()
      expect(proxy.seen).to.deep.equal([
        {method: 'GET', target: op.discoveryUrl},
        {method: 'POST', target: `${op.issuer}/device/auth`},
      ])
    } finally {
      await proxy.stop()
    }
  })

  for (const [what, field, value] of [
    ['an option for the browser as verification_uri_complete', 'verification_uri_complete', '--renderer-cmd-prefix=touch /tmp/pwned'],
    ['a javascript: URL', 'verification_uri_complete', 'javascript:alert(1)'],
    ['a relative URL as verification_uri', 'verification_uri', '/device'],
    ['plain http off loopback as verification_uri', 'verification_uri', 'http://login.example.com/device'],
  ])
    it(`refuses a sign-in URL that is not absolute https (plain http on loopback only): ${what} (device answer faked in front of oidc-provider)`, async () => {
      await op.stop()
      op = await new TestOidcProvider({deviceAuthorization: {[field]: value}}).start()
      const error = await failure((await discover()).start())
      expect(error.code).to.equal('bad_response')
      expect(error.line).to.match(/sent a sign-in URL that is not an absolute https URL; nothing was opened/)
      expect(error.line).not.to.include(value)
    })
})
