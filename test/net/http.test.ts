import {expect} from 'chai'
import {gzipSync} from 'node:zlib'

import {ApiError} from '../../src/net/api-error.js'
import {Http, MAX_BODY_BYTES} from '../../src/net/http.js'
import {tempConfigDir} from '../support/cli.js'
import {ForwardProxy} from '../support/forward-proxy.js'
import {HostileServer, selfSignedCertificate, sendJson, streamHugeBody} from '../support/hostile-server.js'
import {rejection} from '../support/rejection.js'

const failure = (promise: Promise<unknown>) => rejection<ApiError>(promise)

describe('Http: the one HTTP stack of control-plane and OpenID requests', function () {
  this.timeout(30_000)
  const servers: Array<{stop(): Promise<void>}> = []
  const serve = async <T extends {stop(): Promise<void>}>(server: T) => (servers.push(server), server)
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()))
  })

  it('follows no redirect: a 301 is a `redirect` error naming the target and the request id, and the target sees nothing', async () => {
    const target = await serve(await new HostileServer((_, res) => sendJson(res, 200, {projects: []})).start())
    const redirecting = await serve(
      await new HostileServer((req, res) => {
        res.writeHead(301, {location: `${target.url}${req.url}`, 'x-request-id': 'rid-301'})
        res.end()
      }).start(),
    )
    const error = await failure(
      new Http({timeoutMs: 3000}).request({headers: {authorization: 'Bearer secret-key'}, method: 'GET', url: new URL(`${redirecting.url}/api/x?y=1`)}),
    )
    expect(error).to.be.instanceOf(ApiError)
    expect(error.code).to.equal('redirect')
    expect(error.status).to.equal(301)
    expect(error.line).to.equal(
      `${redirecting.url}/api/x answered with a redirect (301, request id rid-301) to ${target.url}/api/x?y=1. llamactl follows no redirects, so nothing was sent there. Check the URL: that is not an answer llamactl expects`,
    )
    expect(error.line).not.to.include('secret-key')
    expect(target.requests).to.deep.equal([])
  })

  it('refuses a declared Content-Length over 1 MiB before reading any of the body', async () => {
    const server = await serve(
      await new HostileServer((_, res) => {
        res.writeHead(200, {'content-length': String(MAX_BODY_BYTES + 1), 'content-type': 'application/json', 'x-request-id': 'rid-big'})
        // Only the headers: a client that waited for the body would wait until its timeout.
        res.flushHeaders()
      }).start(),
    )
    const started = Date.now()
    const error = await failure(new Http({timeoutMs: 5000}).request({method: 'GET', url: new URL(`${server.url}/big`)}))
    expect(error.code).to.equal('bad_response')
    expect(error.line).to.match(/\/big sent an answer larger than 1 MiB \(200, request id rid-big\)/)
    expect(Date.now() - started, 'refused at the headers, not after the 5 s timeout').to.be.lessThan(2000)
  })

  it('stops reading a streamed body past 1 MiB and hangs up: the server gets to write only a fraction of 256 MiB', async () => {
    let written: Promise<number> | undefined
    const server = await serve(
      await new HostileServer((_, res) => {
        written = streamHugeBody(res, 256 * 1024 * 1024, 20_000)
      }).start(),
    )
    const started = Date.now()
    const error = await failure(new Http({timeoutMs: 20_000}).request({method: 'GET', url: new URL(`${server.url}/huge`)}))
    expect(error.code).to.equal('bad_response')
    expect(error.line).to.match(/\/huge sent an answer larger than 1 MiB \(200, request id hostile-huge\)/)
    expect(Date.now() - started).to.be.lessThan(5000)
    const sent = await written!
    expect(sent, `server wrote ${sent} bytes before the client hung up`).to.be.lessThan(32 * 1024 * 1024)
  })

  it('counts the cap after decompression: a small gzip bomb is refused', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))
    expect(bomb.length).to.be.lessThan(MAX_BODY_BYTES)
    const server = await serve(
      await new HostileServer((_, res) => {
        res.writeHead(200, {'content-encoding': 'gzip', 'content-type': 'application/json'})
        res.end(bomb)
      }).start(),
    )
    expect((await failure(new Http().request({method: 'GET', url: new URL(`${server.url}/bomb`)}))).code).to.equal('bad_response')
  })

  it('reads an answer up to the cap in full', async () => {
    const body = Buffer.alloc(MAX_BODY_BYTES, 0x61)
    const server = await serve(await new HostileServer((_, res) => res.end(body)).start())
    const response = await new Http().request({method: 'GET', url: new URL(`${server.url}/ok`)})
    expect(response.status).to.equal(200)
    expect(response.body.equals(body)).to.equal(true)
  })

  it('sends plain-http requests through HTTP_PROXY in absolute form, and https ones through a CONNECT tunnel', async () => {
    const proxy = await serve(await new ForwardProxy().start())
    const server = await serve(await new HostileServer((_, res) => sendJson(res, 200, {ok: true})).start())
    const http = new Http({env: {HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url}, timeoutMs: 5000})
    const response = await http.request({method: 'GET', url: new URL(`${server.url}/via-proxy`)})
    expect(JSON.parse(response.body.toString())).to.deep.equal({ok: true})
    expect(proxy.seen).to.deep.equal([{method: 'GET', target: `${server.url}/via-proxy`}])

    // This process doesn't trust the certificate (NODE_EXTRA_CA_CERTS is read at start-up;
    // test/commands/auth/network.e2e.test.ts does the whole round trip), but the tunnel is made.
    const {cleanup, dir} = tempConfigDir()
    try {
      const tls = await serve(await new HostileServer((_, res) => sendJson(res, 200, {}), {tls: selfSignedCertificate(dir)}).start())
      const error = await failure(http.request({method: 'GET', url: new URL(`${tls.url}/secure`)}))
      expect(error.code).to.equal('tls')
      expect(error.line).to.include(`through the proxy ${proxy.url} (HTTPS_PROXY)`)
      expect(proxy.seen[1]).to.deep.equal({method: 'CONNECT', target: new URL(tls.url).host})
      expect(tls.requests, 'no request got through an unverified tunnel').to.deep.equal([])
    } finally {
      cleanup()
    }
  })

  it('goes straight to a host NO_PROXY names: the proxy sees nothing', async () => {
    const proxy = await serve(await new ForwardProxy().start())
    const server = await serve(await new HostileServer((_, res) => sendJson(res, 200, {ok: true})).start())
    const response = await new Http({env: {http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1'}}).request({
      method: 'GET',
      url: new URL(`${server.url}/direct`),
    })
    expect(response.status).to.equal(200)
    expect(server.requests.map((r) => r.path)).to.deep.equal(['/direct'])
    expect(proxy.seen).to.deep.equal([])
  })

  it('blames the proxy, not the server, when it wants credentials or refuses a tunnel; sends user:password from the URL', async () => {
    const proxy = await serve(await new ForwardProxy('me:s3cret').start())
    const server = await serve(await new HostileServer((_, res) => sendJson(res, 200, {ok: true})).start())
    for (const url of [`${server.url}/plain`, 'https://127.0.0.1:9/tunnel']) {
      const error = await failure(new Http({env: {ALL_PROXY: proxy.url}}).request({method: 'GET', retry: true, url: new URL(url)}))
      expect(error.code, url).to.equal('proxy_auth')
      expect(error.line).to.match(/^The proxy http:\/\/127\.0\.0\.1:\d+ \(ALL_PROXY\) wants credentials \(407/)
    }

    const withCredentials = `http://me:s3cret@${new URL(proxy.url).host}`
    expect((await new Http({env: {ALL_PROXY: withCredentials}}).request({method: 'GET', url: new URL(`${server.url}/plain`)})).status).to.equal(200)
    const refused = await failure(new Http({env: {ALL_PROXY: withCredentials}}).request({method: 'GET', url: new URL('https://127.0.0.1:9/tunnel')}))
    expect(refused.code).to.equal('unreachable')
    expect(refused.line).to.match(/^The proxy http:\/\/127\.0\.0\.1:\d+ \(ALL_PROXY\) refused a tunnel to 127\.0\.0\.1:9 \(\d{3}\)/)
    expect(refused.line).not.to.include('s3cret')
    expect(proxy.seen.slice(-2).map((r) => [r.method, Boolean(r.credentials)])).to.deep.equal([
      ['GET', true],
      ['CONNECT', true],
    ])
  })

  it('names the proxy when it cannot be reached', async () => {
    const closed = await new HostileServer(() => {}).start()
    const {port} = closed.address
    await closed.stop()
    const error = await failure(
      new Http({env: {HTTPS_PROXY: `http://user:pw@127.0.0.1:${port}`}}).request({method: 'GET', url: new URL('https://api.example.com/x')}),
    )
    expect(error.code).to.equal('unreachable')
    expect(error.line).to.include(`Could not reach https://api.example.com through the proxy http://127.0.0.1:${port} (HTTPS_PROXY) (ECONNREFUSED)`)
    expect(error.line).not.to.include('pw')
  })

  it('gives openid-client a fetch on the same stack: a Response for an answer, the same errors for a redirect or a huge body', async () => {
    const server = await serve(
      await new HostileServer(async (req, res) => {
        if (req.url === '/token' && req.method === 'POST') {
          let body = ''
          for await (const chunk of req) body += chunk
          return sendJson(res, 400, {error: 'authorization_pending', echo: body}, 'rid-token')
        }

        if (req.url === '/moved') {
          res.writeHead(302, {location: 'http://127.0.0.1:1/elsewhere'})
          return res.end()
        }

        if (req.url === '/huge') return void streamHugeBody(res, 64 * 1024 * 1024, 10_000)
        res.writeHead(204)
        res.end()
      }).start(),
    )
    const http = new Http()
    const response = await http.fetch(`${server.url}/token`, {
      body: new URLSearchParams({grant_type: 'x'}),
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      method: 'POST',
      redirect: 'manual',
    })
    expect(response.status).to.equal(400)
    expect(response.headers.get('x-request-id')).to.equal('rid-token')
    expect(await response.json()).to.deep.equal({echo: 'grant_type=x', error: 'authorization_pending'})
    expect((await http.fetch(`${server.url}/empty`)).status).to.equal(204)
    expect((await failure(http.fetch(`${server.url}/moved`))).code).to.equal('redirect')
    expect((await failure(http.fetch(`${server.url}/huge`))).code).to.equal('bad_response')
    // An aborted signal rejects with its reason, as fetch does, so openid-client sees its own timeout.
    const reason = await http
      .fetch(`${server.url}/empty`, {signal: AbortSignal.abort(new DOMException('late', 'TimeoutError'))})
      .catch((error: unknown) => error)
    expect((reason as DOMException).name).to.equal('TimeoutError')
  })
})
