import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {currentCredentials} from '../../src/index.js'
import {RunOptions, tempConfigDir} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {fails, Fixture, json, ok, setUp} from '../support/fixture.js'
import {ForwardProxy} from '../support/forward-proxy.js'
import {answersVersion, HostileServer, randomLoopbackAddress, selfSignedCertificate, sendJson} from '../support/hostile-server.js'
import {buildProfilesDb, PY_DEFAULT_API_URL} from '../support/python-profiles-db.js'
import {lowerCaseVariablesAreTheCredential, statusWith as statusWithIn} from './variables.cases.js'

/** `auth status --offline --json` with these variables on top of the fixture's. */
const statusWith = (f: Fixture, env: NodeJS.ProcessEnv) => statusWithIn(runInProcess, f, env)

describe('the Python llamactl 0.10 variables', function () {
  this.timeout(60_000)
  let f: Fixture

  afterEach(async () => {
    await f?.cleanup()
  })

  describe('LLAMA_* names in any case', () => {
    it('llama_cloud_api_key, llama_agents_project_id and llama_cloud_base_url in lower case are the credential, as their upper-case names', () =>
      lowerCaseVariablesAreTheCredential(async (options = {}) => (f = await setUp({...options, inProcess: true})), runInProcess))

    it('both spellings set: the one later in the environment wins, as with pydantic-settings', async () => {
      f = await setUp({inProcess: true})
      // runCli passes the variables to the child in this object's order.
      const lowerLast = json(ok(await statusWith(f, {LLAMA_AGENTS_PROJECT_ID: 'upper', llama_agents_project_id: 'lower', LLAMA_CLOUD_API_KEY: f.key})))
      expect(lowerLast.projectId).to.equal('lower')
      const upperLast = json(ok(await statusWith(f, {llama_agents_project_id: 'lower', LLAMA_AGENTS_PROJECT_ID: 'upper', LLAMA_CLOUD_API_KEY: f.key})))
      expect(upperLast.projectId).to.equal('upper')
    })
  })

  describe('LLAMA_CLOUD_USE_PROFILE, a pydantic boolean', () => {
    it('true spellings (on, Y, " TRUE ") use the profile; false spellings (off, n, 0) and empty use the variables', async () => {
      f = await setUp({inProcess: true})
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'mine']))
      const vars = {LLAMA_AGENTS_PROJECT_ID: 'p2', LLAMA_CLOUD_API_KEY: f.key}
      for (const value of ['on', 'Y', ' TRUE ']) {
        const result = ok(await statusWith(f, {...vars, llama_cloud_use_profile: value}))
        expect(json(result), value).to.include({profile: 'mine', source: 'profile'})
        expect(result.stderr, value).to.equal('')
      }

      for (const value of ['off', 'n', '0', '']) {
        const result = ok(await statusWith(f, {...vars, LLAMA_CLOUD_USE_PROFILE: value}))
        expect(json(result), value).to.include({overrides: 'mine', projectId: 'p2', source: 'env'})
      }
    })

    it('anything else is a one-line usage error (exit 2), not silently false', async () => {
      f = await setUp({inProcess: true})
      for (const value of ['2', 'maybe']) {
        const result = await runInProcess(['auth', 'status', '--offline'], {
          env: {...f.env, LLAMA_CLOUD_API_KEY: f.key, LLAMA_AGENTS_PROJECT_ID: 'p1', LLAMA_CLOUD_USE_PROFILE: value},
        })
        fails(
          result,
          2,
          new RegExp(`^Error: LLAMA_CLOUD_USE_PROFILE must be a boolean \\(1, true, yes, on or 0, false, no, off\\), not "${value}"\\. Fix or unset it`),
        )
        expect(result.stdout).to.equal('')
      }
    })
  })

  describe('LLAMACTL_CONFIG_DIR with a leading ~', () => {
    let home: string
    let cwd: string
    beforeEach(() => {
      home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-home-'))
      cwd = mkdtempSync(path.join(os.tmpdir(), 'llamactl-cwd-'))
    })
    afterEach(() => {
      rmSync(home, {force: true, recursive: true})
      rmSync(cwd, {force: true, recursive: true})
    })

    const run = (args: string[], options: RunOptions = {}) =>
      runInProcess(args, {cwd, ...options, env: {HOME: home, LLAMACTL_CONFIG_DIR: '~/cfg', LLAMACTL_SECRET_STORE: 'file', ...options.env}})

    it("'~/cfg' is $HOME/cfg: the first run imports the profiles.db there, no folder named ~ appears in the working directory, and the library reads the same place", async () => {
      mkdirSync(path.join(home, 'cfg'))
      buildProfilesDb(path.join(home, 'cfg', 'profiles.db'), {
        profiles: [{api_key: 'llx-0123456789abcdef0123', api_url: PY_DEFAULT_API_URL, name: 'work', project_id: 'p1'}],
        settings: {current_profile: 'work'},
      })
      const first = ok(await run(['auth', 'list', '--json']))
      expect(json(first).profiles).to.deep.equal([{apiUrl: PY_DEFAULT_API_URL, authType: 'api-key', current: true, name: 'work', projectId: 'p1'}])
      expect(first.stderr).to.match(new RegExp(`^Imported 0 environments and 1 profile from the Python llamactl's ${home}/cfg/profiles\\.db\\.`))
      expect(existsSync(path.join(home, 'cfg', 'config.json'))).to.equal(true)
      expect(readdirSync(cwd), 'nothing in the working directory').to.deep.equal([])

      // A library caller handing over oclif's unexpanded config dir reads the same profile.
      const credentials = await currentCredentials('~/cfg', {env: {HOME: home, LLAMACTL_SECRET_STORE: 'file'}, warn: () => {}})
      expect(credentials).to.deep.include({apiKey: 'llx-0123456789abcdef0123', profile: 'work', projectId: 'p1'})
      expect(readdirSync(process.cwd())).to.not.include('~')
    })

    it("'~' alone is $HOME itself; '~no-such-user/cfg' is one line, exit 1 (Python: \"Could not determine home directory.\", exit 1), and nothing is created", async () => {
      buildProfilesDb(path.join(home, 'profiles.db'), {profiles: [{api_key: null, api_url: PY_DEFAULT_API_URL, name: 'open', project_id: 'p1'}]})
      const listed = ok(await run(['auth', 'list', '--json'], {env: {LLAMACTL_CONFIG_DIR: '~'}}))
      expect(json(listed).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['open'])
      expect(existsSync(path.join(home, 'config.json'))).to.equal(true)
      const other = await run(['auth', 'env', 'list'], {env: {LLAMACTL_CONFIG_DIR: '~no-such-user-llamactl/cfg'}})
      fails(
        other,
        1,
        /^Error: LLAMACTL_CONFIG_DIR is "~no-such-user-llamactl\/cfg": could not determine the home directory of "no-such-user-llamactl"\. Give the full path/,
      )
      expect(readdirSync(cwd)).to.deep.equal([])
    })
  })

  describe('min_llamactl_version, standalone', () => {
    it('is compared with the llamactl release this package implements (package.json llamactl.implements), PEP 440 pre-releases included', async () => {
      f = await setUp({inProcess: true, minLlamactlVersion: '0.3.0a13'})
      const pre = ok(await f.run(['auth', 'env', 'add', f.server.url]))
      expect(pre.stderr).to.not.match(/requires llamactl/)
      f.server.options.minLlamactlVersion = '0.10.4a1'
      const newer = ok(await f.run(['auth', 'env', 'add', f.server.url]))
      expect(newer.stderr).to.include(`Warning: ${f.server.url} requires llamactl 0.10.4a1 or newer; this is 0.10.3. Upgrade llamactl before using it`)
    })
  })
})

describe('LLAMACTL_NATIVE_TLS and --native-tls', function () {
  this.timeout(60_000)
  let dir: string
  let cleanup: () => void
  const servers: HostileServer[] = []
  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
  })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()))
    cleanup()
  })

  /** An https control plane whose certificate (self-signed, its own CA) is trusted only where the test says. */
  async function tlsServer() {
    const ip = randomLoopbackAddress()
    const certDir = path.join(dir, `ca-${ip}`)
    mkdirSync(certDir)
    const cert = selfSignedCertificate(certDir, ip)
    const server = new HostileServer(
      (req, res) => {
        if (answersVersion(req, res)) return
        sendJson(res, 404, {detail: 'Not Found'})
      },
      {tls: cert},
    )
    servers.push(await server.start(0, ip))
    return {cert, server}
  }

  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    runInProcess(args, {env: {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_HTTP_TIMEOUT_MS: '5000', LLAMACTL_SECRET_STORE: 'file', ...env}})

  it('a CA in the system bundle only (stood in for by a temporary bundle file named in SSL_CERT_FILE): refused without it in one line, trusted with LLAMACTL_NATIVE_TLS=1 or --native-tls', async () => {
    const {cert, server} = await tlsServer()
    const systemBundle = {SSL_CERT_FILE: cert.certFile}

    const refused = await run(['auth', 'env', 'add', server.url], systemBundle)
    fails(refused, 1, /^Error: TLS error talking to https:\/\/127\.[\d.]+:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. .*LLAMACTL_NATIVE_TLS=1 or --native-tls/)

    const viaVariable = ok(await run(['auth', 'env', 'add', server.url, '--json'], {...systemBundle, LLAMACTL_NATIVE_TLS: '1'}))
    expect(json(viaVariable)).to.include({apiUrl: server.url, requiresAuth: true})
    ok(await run(['auth', 'env', 'delete', server.url], {}))
    const viaFlag = ok(await run(['auth', 'env', 'add', server.url, '--native-tls', '--json'], systemBundle))
    expect(json(viaFlag)).to.include({apiUrl: server.url})
    // A false value is no native TLS.
    fails(await run(['auth', 'env', 'add', server.url], {...systemBundle, LLAMACTL_NATIVE_TLS: 'off'}), 1, /^Error: TLS error talking to/)
  })

  it('holds through an HTTPS_PROXY tunnel: the certificate is checked against the system bundle (stood in for by SSL_CERT_FILE)', async () => {
    const {cert, server} = await tlsServer()
    const proxy = await new ForwardProxy().start()
    try {
      const env = {HTTPS_PROXY: proxy.url, NO_PROXY: '', SSL_CERT_FILE: cert.certFile}
      fails(await run(['auth', 'env', 'add', server.url], env), 1, /^Error: TLS error talking to https:\/\/[\d.]+:\d+ through the proxy/)
      ok(await run(['auth', 'env', 'add', server.url, '--native-tls'], env))
      expect(proxy.seen.map((r) => r.method)).to.include('CONNECT')
    } finally {
      await proxy.stop()
    }
  })

  it('adds to NODE_EXTRA_CA_CERTS rather than replacing it (the system bundle stood in for by SSL_CERT_FILE)', async () => {
    const system = await tlsServer()
    const extra = await tlsServer()
    const env = {LLAMACTL_NATIVE_TLS: 'yes', NODE_EXTRA_CA_CERTS: extra.cert.certFile, SSL_CERT_FILE: system.cert.certFile}
    ok(await run(['auth', 'env', 'add', system.server.url], env))
    ok(await run(['auth', 'env', 'add', extra.server.url], env))
  })

  it('a bad LLAMACTL_NATIVE_TLS value is a one-line usage error; a missing bundle is a one-line error naming it', async () => {
    const {server} = await tlsServer()
    fails(await run(['auth', 'env', 'add', server.url], {LLAMACTL_NATIVE_TLS: 'sometimes'}), 2, /^Error: LLAMACTL_NATIVE_TLS must be a boolean/)
    fails(
      await run(['auth', 'env', 'add', server.url], {LLAMACTL_NATIVE_TLS: '1', SSL_CERT_FILE: path.join(dir, 'missing.pem')}),
      1,
      /^Error: Could not read the CA bundle in SSL_CERT_FILE \(.*missing\.pem\)\. Unset LLAMACTL_NATIVE_TLS/,
    )
  })
})
