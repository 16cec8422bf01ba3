import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ROOT} from '../support/cli.js'
import {ForwardProxy} from '../support/forward-proxy.js'
import {answersVersion, HostileServer, selfSignedCertificate, sendJson} from '../support/hostile-server.js'

const COMPLETER = path.join(ROOT, 'dist', 'completion', 'complete.js')
const KEY = 'llx-0123456789abcdef0123456789abcdef'

/** Runs the built completer as a shell does at a TAB (bash mode); its stdout and stderr. */
function tab(line: string, env: NodeJS.ProcessEnv): Promise<{stderr: string; stdout: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [COMPLETER, ROOT, 'bash', line], {encoding: 'utf8', env, killSignal: 'SIGKILL', timeout: 15_000}, (_error, stdout, stderr) =>
      resolve({stderr, stdout}),
    )
  })
}

describe('a TAB reaches the control plane the way the commands do (the built completer, a real forward proxy, an https control plane)', function () {
  this.timeout(60_000)
  let tmp: string
  let proxy: ForwardProxy
  let server: HostileServer
  let env: NodeJS.ProcessEnv

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-proxied-tab-'))
    const cert = selfSignedCertificate(tmp)
    server = await new HostileServer(
      (req, res) => {
        if (answersVersion(req, res)) return
        if (req.url === '/api/v1beta1/deployments/list-projects' && req.headers.authorization === `Bearer ${KEY}`)
          return sendJson(res, 200, {projects: [{deployment_count: 0, project_id: 'behind-the-proxy', project_name: 'P'}]})
        sendJson(res, 401, {detail: 'Invalid token'})
      },
      {tls: cert},
    ).start()
    proxy = await new ForwardProxy().start()
    const configDir = path.join(tmp, 'config')
    mkdirSync(configDir)
    writeFileSync(
      path.join(configDir, 'config.json'),
      JSON.stringify({
        currentEnvironment: server.url,
        environments: [{apiUrl: server.url, currentProfile: 'alice', minLlamactlVersion: null, requiresAuth: true}],
        profiles: [{apiUrl: server.url, authType: 'api-key', id: 'id-a', name: 'alice', projectId: null}],
        schemaVersion: 1,
      }),
    )
    writeFileSync(path.join(configDir, 'secrets.json'), JSON.stringify({schemaVersion: 1, secrets: {'profile:id-a': JSON.stringify({apiKey: KEY})}}), {
      mode: 0o600,
    })
    env = {
      HOME: tmp,
      LLAMACTL_CONFIG_DIR: configDir,
      LLAMACTL_SECRET_STORE: 'file',
      NODE_EXTRA_CA_CERTS: cert.certFile,
      PATH: process.env.PATH,
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
    }
    // The first TAB writes the command tree from oclif's Config; the ones below read it.
    await tab('llamactl auth ', env)
  })

  after(async () => {
    await Promise.all([proxy?.stop(), server?.stop()])
    rmSync(tmp, {force: true, recursive: true})
  })

  beforeEach(() => rmSync(path.join(tmp, 'cache', 'llamactl', 'completion-cache.json'), {force: true}))

  it('HTTPS_PROXY: project ids come through the proxy (CONNECT), the certificate checked against NODE_EXTRA_CA_CERTS', async () => {
    const before = proxy.seen.length
    const {stderr, stdout} = await tab('llamactl auth project ', {...env, HTTPS_PROXY: proxy.url})
    expect({stderr, stdout}).to.deep.equal({stderr: '', stdout: 'behind-the-proxy\n'})
    expect(proxy.seen.slice(before)).to.deep.equal([{method: 'CONNECT', target: `127.0.0.1:${server.address.port}`}])
  })

  it('NO_PROXY naming the host: straight to it, the proxy never asked (the same rule as the commands)', async () => {
    const before = proxy.seen.length
    const {stdout} = await tab('llamactl auth project ', {...env, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1'})
    expect(stdout).to.equal('behind-the-proxy\n')
    expect(proxy.seen.slice(before)).to.deep.equal([])
  })
})
