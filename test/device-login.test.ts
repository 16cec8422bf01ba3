import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'

import {browserCommand, openBrowser} from '../src/browser.js'
import {DeviceLogin} from '../src/device-login.js'
import {isLoopback} from '../src/environment-repository.js'
import {CancelledError, CliError} from '../src/errors.js'
import {clock, Spinner} from '../src/spinner.js'
import {STAND_IN_BROWSER} from './support/login-session.js'
import {ALICE, CLI_CLIENT_ID, TestOidcProvider} from './support/oidc-provider.js'

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

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected a failure')
}

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

  it('isLoopback accepts only loopback hosts', () => {
    for (const url of ['http://127.0.0.1:1/', 'http://127.1.2.3/', 'http://localhost/', 'http://[::1]:8080/']) expect(isLoopback(new URL(url)), url).to.equal(true)
    for (const url of ['http://10.0.0.1/', 'http://127.0.0.1.example.com/', 'http://localhost.evil.test/', 'http://example.com/'])
      expect(isLoopback(new URL(url)), url).to.equal(false)
  })
})

describe('browser opener', () => {
  it('uses $BROWSER with the URL as its one argument, else the platform opener', () => {
    expect(browserCommand('http://x/?a=1', {BROWSER: '/opt/my browser'})).to.deep.equal({args: ['http://x/?a=1'], program: '/opt/my browser'})
    expect(browserCommand('http://x/', {}, 'linux')).to.deep.equal({args: ['http://x/'], program: 'xdg-open'})
    expect(browserCommand('http://x/', {}, 'darwin')).to.deep.equal({args: ['http://x/'], program: 'open'})
    expect(browserCommand('http://x/?a=1&b=2', {}, 'win32').program).to.equal('cmd')
  })

  it('reports a browser that cannot start instead of throwing', async () => {
    expect(await openBrowser('http://127.0.0.1/', {env: {BROWSER: '/nonexistent/browser'}})).to.deep.equal({
      error: '/nonexistent/browser was not found',
      ok: false,
    })
  })

  it('tells later when the browser exits with a failure', async () => {
    let told: (message: string) => void
    const late = new Promise<string>((resolve) => {
      told = resolve
    })
    expect(await openBrowser('http://127.0.0.1/', {env: {BROWSER: 'false'}, onLateFailure: (m) => told(m)})).to.deep.equal({ok: true})
    expect(await Promise.race([late, sleep(5000).then(() => 'timed out')])).to.equal('false exited with code 1')
  })
})

describe('spinner', () => {
  const fakeStream = (isTTY: boolean) => {
    const chunks: string[] = []
    return {chunks, stream: {isTTY, write: (c: string) => chunks.push(c) > 0}}
  }

  it('draws on a terminal, then clears the line and shows the cursor again', async () => {
    const {chunks, stream} = fakeStream(true)
    const spinner = new Spinner(stream, () => 'waiting (code expires in 1:00)')
    spinner.start()
    await sleep(250)
    spinner.stop()
    expect(chunks[0]).to.equal('\u001B[?25l')
    expect(chunks.slice(1, -1).every((c) => c.endsWith('waiting (code expires in 1:00)'))).to.equal(true)
    expect(chunks.length).to.be.greaterThan(2)
    expect(chunks.at(-1)).to.equal('\r\u001B[2K\u001B[?25h')
    spinner.stop()
    expect(chunks.at(-1)).to.equal('\r\u001B[2K\u001B[?25h')
  })

  it('stays quiet when stderr is not a terminal', async () => {
    const {chunks, stream} = fakeStream(false)
    const spinner = new Spinner(stream, () => 'x')
    spinner.start()
    await sleep(150)
    spinner.stop()
    expect(chunks).to.deep.equal([])
  })

  it('shows time left as m:ss', () => {
    expect(clock(600)).to.equal('10:00')
    expect(clock(61.2)).to.equal('1:02')
    expect(clock(-3)).to.equal('0:00')
  })
})
