import {expect} from 'chai'

import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {redactKeys} from '../../src/ui/redact.js'
import {HostileServer} from '../support/hostile-server.js'
import {rejection} from '../support/rejection.js'

const KEY = 'llx-Xq7Lm2Pz9Rt4Vw8Yb3Nc6Kd1Fh5Jg0Ss2Aa'
const LOWER_KEY = 'llx-0d4f9a7c2e1b6a8f3c5d7e9b1a2c4e6f8a0b'

/** No run of 8 characters of `secret` (any letter case) is left in `text`. */
function expectNoRunOf(secret: string, text: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) expect(text.toLowerCase(), `run ${i}`).not.to.include(secret.slice(i, i + 8).toLowerCase())
}

describe('redactKeys hides every 8+ character run of a secret in play, whatever surrounds it', () => {
  it('a key without its llx- prefix inside a request id with / or \\ (a path-like run, where key shapes are otherwise left)', () => {
    for (const line of [`401, request id req/${KEY.slice(4)}`, `401, request id req\\${KEY.slice(4)}\\x`, `id a/b/${KEY.slice(4, 20)}/c`]) {
      const shown = redactKeys(line, [KEY])
      expectNoRunOf(KEY, shown)
      expect(shown).to.include('****')
    }
  })

  it('a partial echo of an all-lowercase key (no key shape: one letter case), also upper-cased', () => {
    for (const echo of [LOWER_KEY.slice(10, 30), LOWER_KEY.slice(4).toUpperCase(), `${LOWER_KEY.slice(0, 12)}…`]) {
      const shown = redactKeys(`request id ${echo} failed`, [LOWER_KEY])
      expectNoRunOf(LOWER_KEY, shown)
      expect(shown).to.match(/^request id .*\*\*\*\*.* failed$/)
    }
  })

  it('keeps ordinary text and runs shorter than 8 characters as they are; a whole key keeps its redacted form', () => {
    expect(redactKeys('request id 0d4f9a7 and req/abc', [LOWER_KEY])).to.equal('request id 0d4f9a7 and req/abc')
    const upper = LOWER_KEY.toUpperCase()
    expect(redactKeys(`key ${upper}!`, [LOWER_KEY])).to.equal(`key ${upper.slice(0, 6)}****${upper.slice(-4)}!`)
  })
})

describe('the control-plane client hides the key it sent from the request id a server echoes', () => {
  let server: HostileServer
  afterEach(() => server?.stop())

  it('an x-request-id of `req/<key without llx->`, `req\\<part of a lowercase key>` or the key upper-cased carries no run of the key', async () => {
    let echo = (token: string) => token
    server = await new HostileServer((req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
      res.writeHead(401, {'content-type': 'application/json', 'x-request-id': echo(token)})
      res.end('{}')
    }).start()
    const client = new ControlPlaneClient(server.url, {timeoutMs: 2000})
    for (const [key, how] of [
      [KEY, (token: string) => `req/${token.slice(4)}`],
      [LOWER_KEY, (token: string) => `req\\${token.slice(6, 26)}\\x`],
      [LOWER_KEY, (token: string) => `REQ-${token.slice(4).toUpperCase()}`],
    ] as const) {
      echo = how
      const error = await rejection<Error & {line: string; requestId?: string}>(client.listProjects(key))
      expectNoRunOf(key, error.line)
      expectNoRunOf(key, error.requestId ?? '')
      expect(error.requestId).to.include('****')
    }
  })
})
