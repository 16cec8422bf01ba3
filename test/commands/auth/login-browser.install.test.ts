import {expect} from 'chai'
import {existsSync} from 'node:fs'

import {Fixture, json, setUp} from '../../support/fixture.js'
import {readConfig, readSecrets, startCli} from '../../support/login-session.js'
import {BOB, TestOidcProvider} from '../../support/oidc-provider.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

describe('auth login end to end in headless Chromium', function () {
  this.timeout(90_000)
  let f: Fixture
  let op: TestOidcProvider

  before(function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is missing (install Debian's chromium to run this test)`)
      this.skip()
    }
  })

  afterEach(async () => {
    await op?.stop()
    await f?.cleanup()
  })

  it('a person types the code shown by --no-browser, signs in and allows; the CLI saves the profile', async () => {
    f = await setUp()
    op = await new TestOidcProvider().start()
    op.attach(f.server)
    const cli = startCli(['auth', 'login', '--no-browser', '--project-id', 'p2', '--json'], f.env, 60_000)
    const [, uri, code] = await cli.waitForStderr(/open (\S+) and enter the code (\S+)/)

    const {chromium} = await import('playwright-core')
    const browser = await chromium.launch({args: CHROMIUM_ARGS, executablePath: CHROMIUM, headless: true, timeout: 30_000})
    const offLoopback: string[] = []
    try {
      const page = await browser.newPage()
      // Network only to loopback: anything else is refused and remembered.
      await page.route('**/*', (route) => {
        const {hostname} = new URL(route.request().url())
        if (hostname === '127.0.0.1') return route.continue()
        offLoopback.push(route.request().url())
        return route.abort()
      })
      page.setDefaultTimeout(15_000)
      await page.goto(uri)
      await page.fill('input[name="user_code"]', code)
      await page.click('button[form="op.deviceInputForm"]')
      expect(await page.textContent('#user-code')).to.equal(code)
      await page.click('#continue')
      await page.fill('#email', BOB.email)
      await page.fill('#password', 'correct horse')
      await page.click('#sign-in')
      await page.click('#allow')
      await page.waitForSelector('#done')
      expect(await page.title()).to.equal('Sign-in Success')
    } finally {
      await browser.close()
    }

    const result = await cli.done
    expect(result.code, result.stderr).to.equal(0)
    expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'login', current: true, name: BOB.email, projectId: 'p2'})
    const [profile] = readConfig(f.dir).profiles.filter((p) => p.authType === 'login')
    expect(profile).to.include({email: BOB.email, sub: BOB.sub})
    expect(readSecrets(f.dir)[`profile:${profile.id}`].apiKey).to.equal(f.server.minted.get(profile.keyId!)?.secret)
    expect(offLoopback, 'requests that tried to leave loopback').to.deep.equal([])
  })
})
