import {expect} from 'chai'
import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {hostileProjectIdRefused, CLEAR, ESC, expectNoControls, oneErrorLine, TITLE} from './terminal-injection.cases.js'

/** A C1 CSI (the other strings a hostile server sends are in terminal-injection.cases.ts). */
const C1_CSI = '\u009B'

describe('hostile strings never reach the terminal raw (text output); --json keeps them exact', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(() => f?.cleanup())

  it("a hostile project id is refused where it enters: in the server's list (bad_response) and in --project-id (exit 2); one line, nothing raw, nothing stored", () =>
    hostileProjectIdRefused(async (options = {}) => (f = await setUp({...options, inProcess: true}))))

  it('a hostile min_llamactl_version is escaped in the env add warning and the env list table, exact in --json', async () => {
    const version = `99.0.0${TITLE}\n${CLEAR}`
    f = await setUp({inProcess: true, minLlamactlVersion: version})
    const added = ok(await f.run(['auth', 'env', 'add', f.server.url]))
    expectNoControls(added.stdout, added.stderr)
    const warnings = added.stderr.split('\n').filter(Boolean)
    expect(warnings[0]).to.match(/^Warning: .* requires llamactl 99\.0\.0\\u001b\]0;pwned\\u0007\\u000a\\u001b\[2J or newer/)
    expect(warnings).to.have.length(2) // that one and "Added …"

    const table = ok(await f.run(['auth', 'env', 'list']))
    expectNoControls(table.stdout, table.stderr)
    expect(table.stdout.trimEnd().split('\n')).to.have.length(3) // header, the default, this one
    expect(
      json(ok(await f.run(['auth', 'env', 'list', '--json']))).environments.find((e: {apiUrl: string}) => e.apiUrl === f.server.url).minLlamactlVersion,
    ).to.equal(version)
  })

  it('a hostile x-request-id (C1 CSI bytes) in a server error is escaped and the error stays one line', async () => {
    f = await setUp({inProcess: true})
    f.server.options.requestId = `req${C1_CSI}2J\u0085x`
    f.server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'])
    fails(result, 1, /failed with 500, request id req\\u009b2J\\u0085x/)
    oneErrorLine(result)
    expectNoControls(result.stdout, result.stderr)
  })

  it("auth login shows a hostile user code and verification URL escaped (a hostile provider of the test's own)", async () => {
    f = await setUp({inProcess: true})
    const provider = await hostileProvider({userCode: `AB${CLEAR}CD\nEF`, verificationUri: `PATH/device?x=${TITLE}`})
    try {
      f.server.options.oidc = {clientId: 'cli', discoveryUrl: `${provider.issuer}/.well-known/openid-configuration`}
      const result = await f.run(['auth', 'login', '--no-browser'])
      expect(result.code, result.stderr).to.equal(1) // the provider denies the login
      expectNoControls(result.stdout, result.stderr)
      expect(result.stderr).not.to.include(ESC)
      expect(result.stderr).to.include(String.raw`AB\u001b[2JCD\u000aEF`)
      expect(result.stderr.split('\n').filter((l) => l.startsWith('Error: '))).to.have.length(1)
    } finally {
      await provider.stop()
    }
  })
})

describe('--name must be printable and non-empty (auth token, auth login)', function () {
  this.timeout(60_000)
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  const badNames: Array<[string, string]> = [
    ['empty', ''],
    ['blank', '  '],
    ['a line break that fakes a second current row', 'x\n*  forged'],
    ['ESC', `x${CLEAR}`],
    ['a C1 control', `x${C1_CSI}2J`],
    ['over 200 characters', 'n'.repeat(201)],
  ]

  for (const [what, name] of badNames)
    it(`auth token refuses a --name that is ${what}: usage error, nothing stored, no request`, async () => {
      const before = f.server.requests.length
      const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', name])
      fails(result, 2, /profile name/i)
      oneErrorLine(result)
      expectNoControls(result.stderr)
      expect(f.server.requests.length, 'no request was made').to.equal(before)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([])
    })

  it('auth login refuses a bad --name before talking to the server', async () => {
    const before = f.server.requests.length
    for (const name of ['', 'x\n*  forged', `x${TITLE}`]) {
      const result = await f.run(['auth', 'login', '--no-browser', '--name', name])
      fails(result, 2, /profile name/i)
      expectNoControls(result.stderr)
    }

    expect(f.server.requests.length, 'no request was made').to.equal(before)
  })

  it('accepts a name with spaces and non-ASCII letters', async () => {
    const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'Zoë work', '--json']))
    expect(json(result).name).to.equal('Zoë work')
  })
})

/**
 * A minimal OpenID provider on 127.0.0.1 that hands out a hostile device authorization
 * (`PATH` in verificationUri becomes its own URL) and then denies the login. oidc-provider
 * validates what it sends, so it can't be made to send this.
 */
async function hostileProvider(answer: {userCode: string; verificationUri: string}): Promise<{issuer: string; stop(): Promise<void>}> {
  let issuer = ''
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {'cache-control': 'no-store', 'content-type': 'application/json'})
      res.end(JSON.stringify(body))
    }

    req.resume()
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (path.endsWith('/.well-known/openid-configuration'))
        return send(200, {
          device_authorization_endpoint: `${issuer}/device/auth`,
          grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
          issuer,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          token_endpoint: `${issuer}/token`,
        })
      if (path.endsWith('/device/auth'))
        return send(200, {
          device_code: 'device-code',
          expires_in: 30,
          interval: 1,
          user_code: answer.userCode,
          verification_uri: answer.verificationUri.replace('PATH', issuer),
        })
      if (path.endsWith('/token')) return send(400, {error: 'access_denied', error_description: 'denied by the test'})
      send(404, {error: 'not_found'})
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hostile`
  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
