import {expect} from 'chai'

import {ApiError, ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'
import {rejection} from '../support/rejection.js'

/** Request ids as real control planes send them: x-request-id, x-correlation-id, or a 5xx body's correlation_id. */
describe('request ids in server errors', () => {
  let server: TestControlPlane
  const failure = (promise: Promise<unknown>) => rejection<ApiError>(promise)

  afterEach(() => server?.stop())

  it('x-correlation-id when there is no x-request-id (the Python llamactl reads both)', async () => {
    server = await new TestControlPlane({requestIdIn: 'x-correlation-id'}).start()
    const error = await failure(new ControlPlaneClient(server.url, {timeoutMs: 2000}).listProjects('wrong'))
    expect(error.requestId).to.match(/^req-\d+$/)
    expect(error.line).to.include(`(401, request id ${error.requestId})`)
  })

  it("the body's correlation_id of a 500 when no header carries one, as the open-source control plane answers", async () => {
    server = await new TestControlPlane({requestId: 'd743be28bd1f48e182b7b5f8bfa9140a', requestIdIn: 'body', requiresAuth: false}).start()
    server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    const error = await failure(new ControlPlaneClient(server.url, {timeoutMs: 2000}).listProjects())
    expect([error.status, error.requestId]).to.deep.equal([500, 'd743be28bd1f48e182b7b5f8bfa9140a'])
    expect(error.line).to.include('failed with 500, request id d743be28bd1f48e182b7b5f8bfa9140a')
  })

  it('x-request-id first, then x-correlation-id, then the body; a hostile body id is bounded and its control characters spelled out', async () => {
    let headers: Record<string, string> = {}
    let body: unknown = {}
    const hostile = await new HostileServer((_req, res) => {
      res.writeHead(502, {'content-type': 'application/json', ...headers})
      res.end(JSON.stringify(body))
    }).start()
    try {
      const client = new ControlPlaneClient(hostile.url, {timeoutMs: 2000})
      headers = {'x-correlation-id': 'corr-1', 'x-request-id': 'req-1'}
      body = {correlation_id: 'body-1'}
      expect((await failure(client.call({method: 'POST', path: '/x'}))).requestId).to.equal('req-1')
      headers = {'x-correlation-id': 'corr-1'}
      expect((await failure(client.call({method: 'POST', path: '/x'}))).requestId).to.equal('corr-1')
      headers = {}
      expect((await failure(client.call({method: 'POST', path: '/x'}))).requestId).to.equal('body-1')
      body = {correlation_id: `\u001b[2J\n${'x'.repeat(500)}`}
      const error = await failure(client.call({method: 'POST', path: '/x'}))
      expect(error.requestId).to.equal(String.raw`\u001b[2J\u000a` + 'x'.repeat(59) + '…')
      expect(error.line).to.not.include('\u001b').and.not.include('\n')
      for (const notAnId of [{correlation_id: 42}, {detail: 'no id'}, 'not json']) {
        body = notAnId
        expect((await failure(client.call({method: 'POST', path: '/x'}))).requestId, JSON.stringify(notAnId)).to.equal(undefined)
      }
    } finally {
      await hostile.stop()
    }
  })

  it('a JSON error body without an id adds no request id (its detail is quoted)', async () => {
    const hostile = await new HostileServer((_req, res) => sendJson(res, 500, {detail: 'Internal server error'}, '')).start()
    try {
      const error = await failure(new ControlPlaneClient(hostile.url, {timeoutMs: 2000}).call({method: 'POST', path: '/x'}))
      expect(error.line).to.match(/\/x failed with 500: the server says "Internal server error"\. /)
    } finally {
      await hostile.stop()
    }
  })
})
