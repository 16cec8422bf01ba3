import {expect} from 'chai'

import {ApiError, ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'
import {rejection} from '../support/rejection.js'

// The Python llamactl prints what the server said (its _raise_for_status quotes up to 250
// characters of the body, the OIDC client a FastAPI `detail`); these errors keep the plugin's
// own line and add the server's detail, made printable and bounded.
describe('HTTP errors carry the server’s detail (a real loopback server)', () => {
  let server: HostileServer
  let answer: {body: unknown; status: number}

  beforeEach(async () => {
    server = await new HostileServer((_req, res) => sendJson(res, answer.status, answer.body, 'rid-7')).start()
  })
  afterEach(() => server.stop())

  const fail = async (status: number, body: unknown) => {
    answer = {body, status}
    return rejection<ApiError>(new ControlPlaneClient(server.url, {timeoutMs: 2000}).listProjects('llx-test-key'))
  }

  it('401, 403, 404 and 500: our line, then `the server says "…"`, then the suggestion; detail also on the error', async () => {
    const e401 = await fail(401, {detail: 'Invalid or expired token'})
    expect(e401.line).to.equal(
      `${server.url} rejected the credentials (401, request id rid-7): the server says "Invalid or expired token". Check the API key, or log in again`,
    )
    expect(e401.detail).to.equal('Invalid or expired token')
    expect(e401.code).to.equal('unauthorized')
    expect((await fail(403, {detail: 'Not a project of this key'})).line).to.include(
      'refused access (403, request id rid-7): the server says "Not a project of this key"',
    )
    expect((await fail(404, {detail: 'Not Found'})).line).to.match(/list-projects answered 404, request id rid-7: the server says "Not Found"\. Check/)
    expect((await fail(503, {message: 'maintenance'})).line).to.match(/failed with 503, request id rid-7: the server says "maintenance"\. Try again later$/)
  })

  it('FastAPI validation details (a list of {msg}) are joined; a body with nothing usable adds nothing', async () => {
    expect((await fail(422, {detail: [{loc: ['q'], msg: 'field required'}, {msg: 'bad id'}]})).line).to.include('the server says "field required; bad id"')
    const html = await fail(500, '<html>oops</html>')
    expect(html.line).not.to.include('the server says')
    expect(html.detail).to.equal(undefined)
    expect((await fail(500, {detail: {nested: true}})).line).not.to.include('the server says')
  })

  it('control characters are spelled out, whitespace runs become one space, and at most 200 characters are kept', async () => {
    const hostile = await fail(401, {detail: 'bad\u001b[2J\nkey\u0085 here'})
    expect(hostile.line).to.include('the server says "bad\\u001b[2J key\\u0085 here"')
    const long = await fail(401, {detail: 'x'.repeat(5000)})
    expect(long.detail).to.equal(`${'x'.repeat(200)}…`)
    expect(long.line.length).to.be.below(400)
  })
})
