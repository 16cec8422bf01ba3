import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT, runCli} from '../../support/cli.js'
import {fails, fixturePerTest, ok, setUp} from '../../support/fixture.js'
import {ForwardProxy} from '../../support/forward-proxy.js'
import {
  answersVersion,
  HostileHandler,
  HostileServer,
  randomLoopbackAddress,
  selfSignedCertificate,
  sendJson,
  streamHugeBody,
} from '../../support/hostile-server.js'
import {readSecrets} from '../../support/login-session.js'
import {acceptsAnything, cliIn, escape, KEY, profilesIn, redirectToAnotherHost, tempDirAndServers} from './network.cases.js'

const RSS_REPORTER = path.join(ROOT, 'test', 'support', 'rss-reporter.mjs')

/** Just enough of a control plane for `auth env add` and `auth token`: one key, one project. */
const miniControlPlane: HostileHandler = (req, res) => {
  if (answersVersion(req, res)) return
  if (req.url === '/api/v1beta1/deployments/list-projects') {
    if (req.headers.authorization === `Bearer ${KEY}`) return sendJson(res, 200, {projects: [{deployment_count: 0, project_id: 'p1', project_name: 'One'}]})
    return sendJson(res, 401, {detail: 'Invalid token'})
  }

  sendJson(res, 404, {detail: 'Not Found'})
}

describe('auth commands against hostile servers and through proxies', function () {
  this.timeout(60_000)
  const scene = tempDirAndServers()
  const {track} = scene

  const profiles = () => profilesIn(scene.dir)

  describe('redirects', () => {
    it('an https control plane answering 301 to plain http on the same host: one-line redirect error, nothing stored, and the key never reaches the http listener', async () => {
      // A loopback address of its own, so the default ports (443 and 80) are free: that is the
      // case where only the scheme changes, and got used to re-send the Authorization header.
      const ip = randomLoopbackAddress()
      const cert = selfSignedCertificate(scene.dir, ip)
      const plain = track(new HostileServer(acceptsAnything))
      const secure = track(
        new HostileServer(
          (req, res) => {
            if (answersVersion(req, res)) return
            res.writeHead(301, {location: `http://${ip}${plain.address.port === 80 ? '' : `:${plain.address.port}`}${req.url}`, 'x-request-id': 'rid-moved'})
            res.end()
          },
          {tls: cert},
        ),
      )
      try {
        await secure.start(443, ip)
        await plain.start(80, ip)
      } catch {
        // Not allowed to bind low ports here: other ports still prove nothing follows the redirect.
        await Promise.all([secure.stop(), plain.stop()])
        await secure.start(0, ip)
        await plain.start(0, ip)
      }

      const run = cliIn(runCli, scene.dir, {NODE_EXTRA_CA_CERTS: cert.certFile})
      ok(await run(['auth', 'env', 'add', secure.url]))
      ok(await run(['auth', 'env', 'switch', secure.url]))
      const result = await run(['auth', 'token', '--api-key', KEY, '--project-id', 'p1'])
      fails(
        result,
        1,
        new RegExp(
          `list-projects answered with a redirect \\(301, request id rid-moved\\) to ${escape(plain.url)}/api/v1beta1/deployments/list-projects\\. llamactl follows no redirects, so nothing was sent there`,
        ),
      )
      expect(plain.requests, 'nothing reached the plain-http listener').to.deep.equal([])
      expect(secure.requests.find((r) => r.path.endsWith('list-projects'))?.authorization).to.equal(`Bearer ${KEY}`)
      expect(result.stderr + result.stdout).not.to.include(KEY)
      expect(profiles()).to.deep.equal([])
      expect(readSecrets(scene.dir)).to.deep.equal({})
    })

    it('a redirect to another host that answers 200 is not "the key is valid": no profile is saved', () => redirectToAnotherHost(runCli, scene.dir, track))
  })

  describe('hostile sizes and shapes', () => {
    it('a control plane streaming a huge answer: the command fails at once with bad_response, its memory stays small', async () => {
      let written: Promise<number> | undefined
      const server = track(
        await new HostileServer((req, res) => {
          if (answersVersion(req, res)) return
          written = streamHugeBody(res, 768 * 1024 * 1024, 30_000)
        }).start(),
      )
      const run = cliIn(runCli, scene.dir)
      ok(await run(['auth', 'env', 'add', server.url]))
      ok(await run(['auth', 'env', 'switch', server.url]))
      const rssLog = path.join(scene.dir, 'rss')
      const started = Date.now()
      const result = await run(['auth', 'token', '--api-key', KEY, '--project-id', 'p1'], {
        env: {LLAMACTL_HTTP_TIMEOUT_MS: '30000', LLAMACTL_TEST_RSS_LOG: rssLog, NODE_OPTIONS: `--import=${RSS_REPORTER}`},
        timeoutMs: 40_000,
      })
      const took = Date.now() - started
      const maxRssMb = Number(readFileSync(rssLog, 'utf8')) / 1024
      expect(maxRssMb, `peak RSS ${maxRssMb.toFixed(0)} MB`).to.be.lessThan(200)
      expect(took, `took ${took} ms`).to.be.lessThan(10_000)
      fails(result, 1, /list-projects sent an answer larger than 1 MiB \(200, request id hostile-huge\)/)
      expect(result.stderr).not.to.include(KEY)
      expect(await written!, 'the server was cut off long before 768 MiB').to.be.lessThan(64 * 1024 * 1024)
      expect(profiles()).to.deep.equal([])
    })
  })

  describe('through a real forward proxy on loopback, the built CLI', () => {
    const fixtures = fixturePerTest()
    let proxy: ForwardProxy
    beforeEach(async () => {
      proxy = track(await new ForwardProxy().start())
    })

    it('HTTPS_PROXY: an https control plane is reached through CONNECT, its certificate still checked against NODE_EXTRA_CA_CERTS', async () => {
      const cert = selfSignedCertificate(scene.dir)
      const secure = track(await new HostileServer(miniControlPlane, {tls: cert}).start())
      const run = cliIn(runCli, scene.dir, {HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certFile})
      ok(await run(['auth', 'env', 'add', secure.url]))
      ok(await run(['auth', 'env', 'switch', secure.url]))
      ok(await run(['auth', 'token', '--api-key', KEY, '--project-id', 'p1', '--name', 'via-proxy']))
      expect(profiles().map((p) => p.name)).to.deep.equal(['via-proxy'])
      const {port} = secure.address
      expect(proxy.seen.length).to.be.greaterThanOrEqual(3)
      expect(
        proxy.seen.every((r) => r.method === 'CONNECT' && r.target === `127.0.0.1:${port}`),
        JSON.stringify(proxy.seen),
      ).to.equal(true)

      // Without the CA the tunnel is still made, and the certificate still refused.
      const untrusted = await cliIn(runCli, scene.dir, {HTTPS_PROXY: proxy.url})(['auth', 'env', 'switch', secure.url])
      expect(untrusted.stderr).to.match(/TLS error talking to https:\/\/127\.0\.0\.1:\d+ through the proxy/)
    })

    it('the proxy agent is loaded only for an https request that goes through a proxy', async () => {
      const f = fixtures.add(await setUp())
      const recorder = path.join(ROOT, 'test', 'support', 'import-recorder.mjs')
      const loaded = async (args: string[], env: NodeJS.ProcessEnv, name: string) => {
        const log = path.join(f.dir, `imports-${name}.log`)
        await f.run(args, {env: {...env, LLAMACTL_TEST_IMPORT_LOG: log, NODE_OPTIONS: `--import=${recorder}`}})
        return readFileSync(log, 'utf8')
      }

      const direct = await loaded(['auth', 'env', 'switch', f.server.url], {HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1'}, 'direct')
      expect(direct, 'the HTTP stack itself was used').to.include('/dist/chunks/http.js')
      expect(direct).not.to.match(/https-proxy-agent|agent-base/)
      // A plain-http target through a proxy needs no agent either (absolute form); https does.
      expect(await loaded(['auth', 'env', 'switch', f.server.url], {HTTP_PROXY: proxy.url}, 'plain')).not.to.match(/https-proxy-agent/)
      expect(await loaded(['auth', 'env', 'add', 'https://127.0.0.1:9'], {HTTPS_PROXY: proxy.url}, 'tunnel')).to.match(/node_modules\/https-proxy-agent\//)
    })
  })
})
