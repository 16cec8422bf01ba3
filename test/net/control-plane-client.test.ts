import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'

import {ApiError, ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {UsageError} from '../../src/errors.js'
import {tempConfigDir} from '../support/cli.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {rejection} from '../support/rejection.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'

describe('ControlPlaneClient', () => {
  let server: TestControlPlane
  let client: ControlPlaneClient
  let key: string

  beforeEach(async () => {
    server = await new TestControlPlane({minLlamactlVersion: '0.3.0'}).start()
    key = server.addKey()
    client = new ControlPlaneClient(server.url, {timeoutMs: 1000})
  })
  afterEach(() => server.stop())

  const failure = (promise: Promise<unknown>) => rejection<ApiError>(promise)

  it('probes the version document', async () => {
    expect(await client.probeVersion()).to.deep.equal({
      capabilities: ['deployments'],
      minLlamactlVersion: '0.3.0',
      requiresAuth: true,
      version: '0.4.2',
    })
  })

  it('lists projects with the bearer key', async () => {
    const projects = await client.listProjects(key)
    expect(projects).to.deep.equal([
      {deploymentCount: 3, orgId: 'default', projectId: 'p1', projectName: 'Demo'},
      {deploymentCount: 0, orgId: 'default', projectId: 'p2', projectName: null},
    ])
    expect(server.calls('list-projects')[0].authorization).to.equal(`Bearer ${key}`)
  })

  it("lists organizations in the server's order and scopes projects with ?org_id=", async () => {
    server.options.organizations = [{is_default: true, org_id: 'acme', org_name: 'Acme'}, {org_id: 'globex', org_name: 'Globex'} as never]
    expect(await client.listOrganizations(key)).to.deep.equal([
      {isDefault: true, orgId: 'acme', orgName: 'Acme'},
      {isDefault: false, orgId: 'globex', orgName: 'Globex'},
    ])
    server.setProjects(key, [{deployment_count: 1, org_id: 'globex', project_id: 'p3', project_name: 'x'}])
    expect(await client.listProjects(key, 'a b&c')).to.deep.equal([])
    expect(server.calls('list-projects').at(-1)?.query).to.equal('?org_id=a+b%26c')
    expect(await client.listProjects(key, 'globex')).to.deep.equal([{deploymentCount: 1, orgId: 'globex', projectId: 'p3', projectName: 'x'}])
  })

  it('organizations as a bare list, as some servers send them', async () => {
    const hostile = await new HostileServer((_req, res) => sendJson(res, 200, [{is_default: true, org_id: 'default', org_name: 'Default'}])).start()
    try {
      expect(await new ControlPlaneClient(hostile.url, {timeoutMs: 1000}).listOrganizations()).to.deep.equal([
        {isDefault: true, orgId: 'default', orgName: 'Default'},
      ])
    } finally {
      await hostile.stop()
    }
  })

  it('organizations: 404 is "none", a wrong shape is bad_response', async () => {
    expect(await client.listOrganizations(key)).to.equal(null)
    server.options.organizations = [{is_default: true, org_id: 'acme', org_name: 7} as never]
    expect((await failure(client.listOrganizations(key))).code).to.equal('bad_response')
    server.options.organizations = [{is_default: 'yes', org_id: 'acme', org_name: 'Acme'} as never]
    expect((await failure(client.listOrganizations(key))).code).to.equal('bad_response')
    server.setProjects(key, [{deployment_count: 1, org_id: 5, project_id: 'p3', project_name: 'x'} as never])
    expect((await failure(client.listProjects(key))).code).to.equal('bad_response')
  })

  it('turns 401 and 403 into errors carrying status and request id', async () => {
    const e401 = await failure(client.listProjects('wrong'))
    expect(e401.status).to.equal(401)
    expect(e401.requestId).to.match(/^req-/)
    expect(e401.line).to.include('401').and.include(e401.requestId!)
    server.fail({fault: {kind: 'status', status: 403}})
    expect((await failure(client.listProjects(key))).code).to.equal('forbidden')
  })

  it('says which request failed with a 5xx, with the request id', async () => {
    server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    const error = await failure(client.listProjects(key))
    expect(error.line).to.match(/list-projects failed with 500, request id req-\d+: the server says "injected fault"\. Try again later/)
  })

  it('retries an idempotent GET once after a 503, and never a POST', async () => {
    server.fail({fault: {kind: 'status', status: 503}, times: 1})
    expect(await client.listProjects(key)).to.have.length(2)
    expect(server.calls('list-projects')).to.have.length(2)

    server.fail({fault: {kind: 'status', status: 503}, method: 'POST', times: 1})
    expect((await failure(client.createApiKey(key, 'x'))).status).to.equal(503)
    expect(server.calls('/api/v1/api-keys', 'POST')).to.have.length(1)
  })

  it('rejects a body that is not JSON, or not the expected shape', async () => {
    server.fail({fault: {kind: 'badJson'}, times: 1})
    expect((await failure(client.listProjects(key))).code).to.equal('bad_response')
    server.fail({fault: {kind: 'notVersionDocument'}, times: 1})
    expect((await failure(client.probeVersion())).code).to.equal('bad_response')
  })

  it('times out on a server that never answers', async () => {
    server.fail({fault: {kind: 'hang'}})
    const started = Date.now()
    const error = await failure(new ControlPlaneClient(server.url, {timeoutMs: 300}).probeVersion())
    expect(error.code).to.equal('timeout')
    expect(Date.now() - started).to.be.lessThan(5000)
  })

  it('does not retry a timed-out GET: one request, and the time taken is the bound the message states', async () => {
    server.fail({fault: {kind: 'hang'}})
    const started = Date.now()
    const error = await failure(new ControlPlaneClient(server.url, {timeoutMs: 400}).listProjects(key))
    const took = Date.now() - started
    expect(error.line).to.match(/did not answer within 0\.4s/)
    expect(server.calls('list-projects'), 'sent once').to.have.length(1)
    expect(took, `took ${took} ms`).to.be.within(350, 750)
  })

  it("names the server's request id in every error that came from an answer: 401, 403, 404, redirect, wrong shape, not JSON", async () => {
    const answers: Record<string, (res: import('node:http').ServerResponse) => void> = {
      '/api/v1/auth/me': (res) => sendJson(res, 404, {detail: 'no'}, 'rid-404'),
      '/api/v1beta1/deployments-public/version': (res) => sendJson(res, 200, {version: 1}, 'rid-shape'),
      '/api/v1beta1/deployments/list-projects': (res) => {
        res.writeHead(200, {'content-type': 'application/json', 'x-request-id': 'rid-json'})
        res.end('{"projects": [')
      },
      '/api/v1/api-keys': (res) => {
        res.writeHead(307, {location: '/elsewhere', 'x-request-id': 'rid-307'})
        res.end()
      },
    }
    const hostile = await new HostileServer((req, res) => answers[new URL(req.url!, 'http://x').pathname](res)).start()
    try {
      const c = new ControlPlaneClient(hostile.url, {timeoutMs: 2000})
      const lines = {
        json: (await failure(c.listProjects('k'))).line,
        notFound: (await failure(c.me('k'))).line,
        redirect: (await failure(c.createApiKey('k', 'n'))).line,
        shape: (await failure(c.probeVersion())).line,
      }
      expect(lines.notFound).to.match(/auth\/me answered 404, request id rid-404[.:]/)
      expect(lines.shape).to.match(/version did not answer with what a llamactl control plane sends \(request id rid-shape\)\./)
      expect(lines.json).to.match(/list-projects answered with something that is not JSON \(request id rid-json\)\./)
      expect(lines.redirect).to.match(/api-keys answered with a redirect \(307, request id rid-307\) to http:\/\/127\.0\.0\.1:\d+\/elsewhere\./)
    } finally {
      await hostile.stop()
    }

    const e401 = await failure(client.listProjects('wrong'))
    expect(e401.line).to.match(/\(401, request id req-\d+\)/)
  })

  it('a project id with a control, format or line-separator character, empty or over 200 characters, is a bad answer (one line, bad_response), never taken over', async () => {
    for (const projectId of ["p'\u001b]0;x\u0007", 'p\nCheck: ok', 'p\u202e', 'p\u2028', '', 'p'.repeat(201)]) {
      server.setProjects(key, [{deployment_count: 0, project_id: projectId, project_name: null}])
      const error = await failure(client.listProjects(key))
      expect(error.code, JSON.stringify(projectId)).to.equal('bad_response')
      expect(error.line).to.not.include(projectId || 'p'.repeat(201))
    }

    server.setProjects(key, [{deployment_count: 0, project_id: "p'`touch x`'" + 'p'.repeat(188), project_name: null}])
    expect(await client.listProjects(key), 'printable, 200 characters: taken (the .env writer decides what it can write)').to.have.length(1)
  })

  it('reads a wrong type in an answer as bad_response, never as a default: requires_auth "yes" is not "no auth"', async () => {
    let version: unknown
    let projects: unknown
    const hostile = await new HostileServer((req, res) => sendJson(res, 200, req.url!.includes('version') ? version : projects)).start()
    try {
      const c = new ControlPlaneClient(hostile.url, {timeoutMs: 2000})
      const good = {capabilities: ['x'], min_llamactl_version: null, requires_auth: true, version: '1.0.0'}
      for (const wrong of [
        {requires_auth: 'yes'},
        {requires_auth: 1},
        {requires_auth: null},
        {capabilities: 'deployments'},
        {capabilities: [1]},
        {min_llamactl_version: 3},
        {version: 1},
      ]) {
        version = {...good, ...wrong}
        expect((await failure(c.probeVersion())).code, JSON.stringify(wrong)).to.equal('bad_response')
      }

      version = {version: '1.0.0'}
      expect(await c.probeVersion(), 'absent fields take their documented defaults').to.deep.equal({
        capabilities: [],
        minLlamactlVersion: null,
        requiresAuth: false,
        version: '1.0.0',
      })
      for (const wrong of [{deployment_count: '3'}, {deployment_count: -1}, {deployment_count: 1.5}, {project_name: 7}, {project_id: 7}]) {
        projects = {projects: [{deployment_count: 1, project_id: 'p', project_name: null, ...wrong}]}
        expect((await failure(c.listProjects('k'))).code, JSON.stringify(wrong)).to.equal('bad_response')
      }
    } finally {
      await hostile.stop()
    }
  })

  it('refuses a key with a line break, a space or a non-ASCII character as a usage error about the key, sending nothing', async () => {
    for (const bad of [`${key}\nX-Injected: 1`, `${key} extra`, 'llx-ключ', 'llx-€uro', 'llx-caf\u00e9']) {
      const error = await failure(client.listProjects(bad))
      expect(error, JSON.stringify(bad)).to.be.instanceOf(UsageError)
      expect(error.exit).to.equal(2)
      expect(error.line).to.match(/^The API key contains a space, a line break, a control character or a non-ASCII character/)
      expect(error.line).not.to.include('llx-')
    }

    expect(server.calls('list-projects')).to.deep.equal([])
  })

  it('says a server that is down is unreachable', async () => {
    const probe = http.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const {port} = probe.address() as {port: number}
    await new Promise((resolve) => probe.close(resolve))
    const error = await failure(new ControlPlaneClient(`http://127.0.0.1:${port}`).probeVersion())
    expect(error.code).to.equal('unreachable')
    expect(error.line).to.include('ECONNREFUSED')
  })

  it('says a certificate the system does not trust is a TLS error', async function () {
    // A real TLS server on loopback with a self-signed certificate made by openssl.
    const {cleanup, dir} = tempConfigDir()
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1'],
        {stdio: 'ignore'},
      )
      const tls = https.createServer({cert: readFileSync(`${dir}/cert.pem`), key: readFileSync(`${dir}/key.pem`)}, (_, res) => res.end('{}'))
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
      try {
        const {port} = tls.address() as {port: number}
        const error = await failure(new ControlPlaneClient(`https://127.0.0.1:${port}`, {timeoutMs: 3000}).probeVersion())
        expect(error.code).to.equal('tls')
        expect(error.line).to.match(/TLS error talking to https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. .*NODE_EXTRA_CA_CERTS/)
      } finally {
        await new Promise((resolve) => tls.close(resolve))
      }
    } finally {
      cleanup()
    }
  })

  it('asks a token source for a fresh token once after a 401', async () => {
    let refreshes = 0
    const source = {refresh: async () => (++refreshes, key), token: async () => 'expired'}
    expect(await client.listProjects(source)).to.have.length(2)
    expect(refreshes).to.equal(1)
    const stubborn = {refresh: async () => (++refreshes, 'still-wrong'), token: async () => 'expired'}
    expect((await failure(client.listProjects(stubborn))).status).to.equal(401)
    expect(refreshes).to.equal(2)
  })

  it('mints and revokes keys; a key already gone counts as revoked', async () => {
    const minted = await client.createApiKey(key, 'me llamactl on host')
    expect(server.minted.has(minted.id)).to.equal(true)
    expect(await client.listProjects(minted.secret)).to.have.length(2)
    await client.deleteApiKey(key, minted.id)
    expect(server.minted.has(minted.id)).to.equal(false)
    await client.deleteApiKey(key, minted.id)
  })

  it('reports a server without browser login as null discovery', async () => {
    expect(await client.oidcDiscovery()).to.equal(null)
    server.options.oidc = {clientId: 'cli', discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration'}
    expect(await client.oidcDiscovery()).to.deep.equal({clientId: 'cli', discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration'})
  })
})
