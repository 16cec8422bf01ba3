import {expect} from 'chai'
import {existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {TestControlPlane} from './support/control-plane-server.js'
import {approvingBrowser} from './support/login-session.js'
import {ALICE, TestOidcProvider} from './support/oidc-provider.js'
import {addLibraryCommand, cleanEnv, compileHostCommand, copyHost, HOST_FIXTURE, ROOT, run, Run, stageCheckout, tempDir} from './fixtures/host/stage.js'

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
const commandIds = Object.values(manifest.commands as Record<string, {hidden?: boolean; id: string}>)
  .filter((c) => !c.hidden)
  .map((c) => c.id)
const FALLBACK_WARNING = /No OS keychain found/g

/**
 * The plugin inside a larger llamactl (test/fixtures/host), installed for real: `npm pack` of a
 * staged copy, then `llamactl plugins install file:<tgz>` (npm fetches the dependencies from the
 * registry, with install scripts blocked as npm 11 does by default, so keytar stays unbuilt), and
 * separately `llamactl plugins link <repo>`.
 */
describe('installed into a host llamactl', function () {
  this.timeout(240_000)
  let tmp: string
  let stage: string
  let tgz: string
  let server: TestControlPlane
  let apiKey: string

  before(async () => {
    tmp = tempDir('llamactl-host-')
    stage = stageCheckout(tmp)
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
      cwd: stage,
      env: cleanEnv({HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache')}),
    })
    expect(packed.code, packed.stderr).to.equal(0)
    tgz = path.join(tmp, JSON.parse(packed.stdout)[0].filename)
    server = await new TestControlPlane().start()
    apiKey = server.addKey()
  })

  after(async () => {
    await server?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  /** A fresh host with its own home, data, cache and config dirs, and no keychain. */
  function newHost(name: string) {
    const dir = path.join(tmp, name)
    mkdirSync(dir)
    const host = copyHost(dir)
    const env = cleanEnv({
      HOME: path.join(dir, 'home'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
    })
    mkdirSync(env.HOME!)
    const llamactl = (args: string[], input?: string, timeoutMs = 30_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
      run(process.execPath, [path.join(host, 'bin', 'run.js'), ...args], {cwd: dir, env: {...env, ...extraEnv}, input, timeoutMs})
    const standalone = (args: string[]): Promise<Run> => run(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], {cwd: dir, env})
    return {configDir: path.join(env.XDG_CONFIG_HOME!, 'llamactl'), dataDir: path.join(env.XDG_DATA_HOME!, 'llamactl'), env, host, llamactl, standalone}
  }

  type Host = ReturnType<typeof newHost>

  async function expectAuthTopic(host: Host): Promise<void> {
    const help = await host.llamactl(['auth', '--help'])
    expect(help.code, help.stderr).to.equal(0)
    expect(help.stdout).to.match(/Sign in to a control plane/)
    for (const id of commandIds.filter((c) => c.startsWith('auth:'))) {
      const words = id.split(':')
      // Commands of a subtopic are listed under it (`auth env`), the rest by name.
      const listed = words.length > 2 ? words.slice(0, 2).join(' ') : words.join(' ')
      expect(help.stdout, id).to.include(listed)
    }

    const envHelp = await host.llamactl(['auth', 'env', '--help'])
    expect(envHelp.code, envHelp.stderr).to.equal(0)
    for (const id of commandIds.filter((c) => c.startsWith('auth:env:'))) expect(envHelp.stdout, id).to.include(id.replaceAll(':', ' '))
    // The Python llamactl 0.10 topics and `config` come with the same package.
    const rootHelp = await host.llamactl(['--help'])
    expect(rootHelp.code, rootHelp.stderr).to.equal(0)
    for (const word of ['environments', 'organizations', 'projects', 'config']) expect(rootHelp.stdout, word).to.match(new RegExp(`^ {2}${word} +\\S`, 'm'))
  }

  /** Creates a profile through the host (file fallback: no keychain) and reads it standalone. */
  async function expectSharedProfile(host: Host, profileName: string): Promise<void> {
    const envs = await host.llamactl(['auth', 'env', 'list', '--json'])
    expect(envs.code, envs.stderr).to.equal(0)
    expect(JSON.parse(envs.stdout).environments).to.be.an('array').that.is.not.empty

    const added = await host.llamactl(['auth', 'env', 'add', server.url, '--json'])
    expect(added.code, added.stderr).to.equal(0)
    const switched = await host.llamactl(['auth', 'env', 'switch', server.url, '--json'])
    expect(switched.code, switched.stderr).to.equal(0)

    const token = await host.llamactl(['auth', 'token', '--api-key', '-', '--project-id', 'p1', '--name', profileName, '--no-interactive', '--json'], apiKey)
    expect(token.code, token.stderr).to.equal(0)
    expect(JSON.parse(token.stdout)).to.include({apiUrl: server.url, authType: 'api-key', current: true, name: profileName, projectId: 'p1'})
    // keytar is unbuilt (or has no D-Bus here): the file fallback, announced once.
    expect(token.stderr.match(FALLBACK_WARNING), token.stderr).to.have.lengthOf(1)
    expect(token.stderr, 'the warning says where to look').to.include('`llamactl config show-db`')
    expect(token.stdout + token.stderr).to.not.include(apiKey)
    expect(statSync(path.join(host.configDir, 'secrets.json')).mode & 0o777).to.equal(0o600)
    expect(readFileSync(path.join(host.configDir, 'config.json'), 'utf8')).to.not.include(apiKey)

    // The standalone CLI sees the same profile: same config dir (XDG_CONFIG_HOME/llamactl).
    const listed = await host.standalone(['auth', 'list', '--json'])
    expect(listed.code, listed.stderr).to.equal(0)
    const doc = JSON.parse(listed.stdout)
    expect(doc.environment).to.equal(server.url)
    expect(doc.profiles).to.deep.include({apiUrl: server.url, authType: 'api-key', current: true, name: profileName, projectId: 'p1'})
  }

  async function expectUninstalled(host: Host): Promise<void> {
    const removed = await host.llamactl(['plugins', 'uninstall', '@llamactl/plugin-auth'], undefined, 120_000)
    expect(removed.code, removed.stderr).to.equal(0)
    const help = await host.llamactl(['auth', '--help'])
    expect(help.code).to.not.equal(0)
    expect(help.stdout + help.stderr).to.match(/auth not found/)
    const list = await host.llamactl(['auth', 'list', '--json'])
    expect(list.code).to.not.equal(0)
    const plugins = await host.llamactl(['plugins'])
    expect(plugins.stdout).to.not.include('auth')
  }

  it('plugins install <tgz>: adds the auth topic from the manifest, works without devDependencies, uninstalls', async () => {
    const host = newHost('install')
    const before = await host.llamactl(['auth', '--help'])
    expect(before.code, 'no auth topic before the install').to.not.equal(0)

    const installed = await host.llamactl(['plugins', 'install', `file:${tgz}`], undefined, 180_000)
    expect(installed.code, installed.stderr).to.equal(0)
    expect(installed.stdout + installed.stderr).to.match(/installed v0\./)
    // plugin-plugins warns when a path named in `files` did not arrive (e.g. man/ not built).
    expect(installed.stderr).to.not.match(/may not work as expected/)

    const root = path.join(host.dataDir, 'node_modules', '@llamactl', 'plugin-auth')
    expect(existsSync(path.join(root, 'oclif.manifest.json'))).to.equal(true)
    expect(existsSync(path.join(root, 'src')), 'no TypeScript sources').to.equal(false)
    expect(readdirSync(path.join(root, 'man')).length).to.be.greaterThan(0)
    for (const dev of ['typescript', 'tsx', 'mocha', 'oclif', '@oclif/plugin-plugins'])
      expect(existsSync(path.join(host.dataDir, 'node_modules', dev)), `devDependency ${dev} installed`).to.equal(false)

    await expectAuthTopic(host)
    await expectSharedProfile(host, 'via-install')
    await expectOneCore(host, path.join(host.dataDir, 'node_modules', '@oclif', 'core'))
    await expectUninstalled(host)
  })

  /**
   * The installed plugin has its own @oclif/core in the data dir (npm put it there), yet a command
   * of it runs on the host's: the process loads one core, not two (bench/README.md: the second
   * one was most of what a user-installed command cost over the host's own).
   */
  async function expectOneCore(host: Host, pluginsOwnCore: string): Promise<void> {
    expect(existsSync(pluginsOwnCore), 'the plugin has a core of its own to load').to.equal(true)
    const recorder = path.join(tmp, 'cores.cjs')
    writeFileSync(
      recorder,
      "process.on('exit', () => process.stderr.write('@@cores=' + JSON.stringify(Object.keys(require.cache).filter((f) => f.endsWith('/@oclif/core/lib/index.js'))) + '\\n'))\n",
    )
    const list = await host.llamactl(['auth', 'list', '--json'], undefined, 30_000, {NODE_OPTIONS: `--require ${recorder}`})
    expect(list.code, list.stderr).to.equal(0)
    const cores = JSON.parse(/@@cores=(.*)/.exec(list.stderr)![1]) as string[]
    expect(cores).to.have.length(1)
    expect(realpathSync(cores[0]).startsWith(realpathSync(path.join(host.host, 'node_modules')))).to.equal(true)
  }

  // The package is not on the npm registry yet: docs/installing.md shows these two ways in, tested here.
  // npm fetches the dependencies from the registry, through the runner's npm cache (prefer-offline).
  const npmCache = {npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'), npm_config_prefer_offline: 'true'}

  it('npm install <tgz> in a project of its own (standalone): its llamactl runs, and the production install is at most 15 MB', async () => {
    const dir = path.join(tmp, 'standalone')
    mkdirSync(path.join(dir, 'home'), {recursive: true})
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({name: 'standalone', private: true}))
    const env = cleanEnv({HOME: path.join(dir, 'home'), LLAMACTL_CONFIG_DIR: path.join(dir, 'config'), ...npmCache})
    const installed = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tgz], {cwd: dir, env, timeoutMs: 180_000})
    expect(installed.code, installed.stderr).to.equal(0)
    const llamactl = path.join(dir, 'node_modules', '.bin', 'llamactl')
    const envs = await run(llamactl, ['auth', 'env', 'list', '--json'], {cwd: dir, env})
    expect(envs.code, envs.stderr).to.equal(0)
    expect(JSON.parse(envs.stdout).environments).to.deep.include({
      apiUrl: 'https://api.cloud.llamaindex.ai',
      current: true,
      minLlamactlVersion: null,
      requiresAuth: true,
    })
    // What a user downloads and keeps: every dependency npm put there (no devDependency).
    const du = await run('du', ['-sk', path.join(dir, 'node_modules')])
    const kib = Number(du.stdout.split('\t')[0])
    expect(kib, du.stdout).to.be.above(1024)
    expect(kib, `production install of ${(kib / 1024).toFixed(1)} MiB`).to.be.at.most(15 * 1024)
    for (const dev of ['typescript', 'oclif', 'mocha']) expect(existsSync(path.join(dir, 'node_modules', dev)), dev).to.equal(false)
  })

  it('plugins install git+file://<bare repo>: npm clones it, builds it with the prepare script, and the host gets the auth topic', async function () {
    this.timeout(600_000)
    // A repository as it would be pushed: git holds no build (dist/, man/ and the manifest are ignored).
    const git = (args: string[], cwd: string) =>
      run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {cwd})
    const source = path.join(tmp, 'git-source')
    const copied = await run('cp', ['-R', stage, source])
    expect(copied.code, copied.stderr).to.equal(0)
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'release'],
    ]) {
      const result = await git(args, source)
      expect(result.code, result.stderr).to.equal(0)
    }

    const tracked = (await git(['ls-files'], source)).stdout.split('\n')
    expect(tracked).to.include('src/index.ts')
    expect(
      tracked.filter((f) => /^(dist|man)\/|^oclif\.manifest\.json$/.test(f)),
      'no build in git',
    ).to.deep.equal([])
    const bare = path.join(tmp, 'plugin-auth.git')
    expect((await git(['clone', '-q', '--bare', source, bare], tmp)).code).to.equal(0)

    const host = newHost('git')
    const installed = await host.llamactl(['plugins', 'install', `git+file://${bare}`], undefined, 540_000, npmCache)
    expect(installed.code, installed.stderr).to.equal(0)
    expect(installed.stderr).to.not.match(/may not work as expected/)
    const root = path.join(host.dataDir, 'node_modules', '@llamactl', 'plugin-auth')
    for (const built of ['dist/index.js', 'dist/index.d.ts', 'oclif.manifest.json', 'man/llamactl-auth.1'])
      expect(existsSync(path.join(root, built)), built).to.equal(true)
    await expectAuthTopic(host)
    const list = await host.llamactl(['auth', 'list', '--json'])
    expect(list.code, list.stderr).to.equal(0)
    expect(JSON.parse(list.stdout).profiles).to.deep.equal([])
  })

  it("the host's own TypeScript command (deployments list, the example of docs/library.md), compiled with tsc --strict against the installed package's types, then run: current profile, --profile, the variables, a repaired login key, no credentials", async () => {
    const host = newHost('library')
    const installed = await host.llamactl(['plugins', 'install', `file:${tgz}`], undefined, 180_000)
    expect(installed.code, installed.stderr).to.equal(0)
    const compiled = await addLibraryCommand(host.host, path.join(host.dataDir, 'node_modules', '@llamactl', 'plugin-auth'))
    expect(compiled.code, `tsc --strict failed:\n${compiled.stdout}${compiled.stderr}`).to.equal(0)
    expect(existsSync(path.join(host.host, 'commands', 'deployments', 'list.js'))).to.equal(true)
    const cp = await new TestControlPlane().start()
    const op = await new TestOidcProvider().start()
    op.attach(cp)
    try {
      // No keychain in the host (no D-Bus): the file store, chosen, so no fallback warning either.
      const llamactl = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
        host.llamactl(args, input, 30_000, {LLAMACTL_SECRET_STORE: 'file', ...env})
      const deployments = async (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
        const result = await llamactl(['deployments', 'list', '--json', ...args], env)
        expect(result.code, result.stderr).to.equal(0)
        return {...result, doc: JSON.parse(result.stdout)}
      }

      const help = await llamactl(['deployments', 'list', '--help'])
      expect(help.stdout).to.include('--profile=<name>').and.include('--project-id=<value>')

      // min_llamactl_version is compared with the host's version (1.0.0): no warning; standalone with the implemented 0.10.3.
      cp.options.minLlamactlVersion = '0.10.4'
      const added = await llamactl(['auth', 'env', 'add', cp.url])
      expect(added.code, added.stderr).to.equal(0)
      expect(added.stderr)
        .to.match(/^Added /)
        .and.not.include('requires llamactl')
      const standaloneAdd = await host.standalone(['auth', 'env', 'add', cp.url])
      expect(standaloneAdd.stderr).to.include(`Warning: ${cp.url} requires llamactl 0.10.4 or newer; this is 0.10.3. Upgrade llamactl before using it`)
      cp.options.minLlamactlVersion = null

      // No credentials at all: exit 1, one line.
      expect((await llamactl(['auth', 'env', 'switch', cp.url])).code).to.equal(0)
      const none = await llamactl(['deployments', 'list'])
      expect(none.code).to.equal(1)
      expect(none.stderr).to.equal(
        `Error: No credentials: no profile is current in ${cp.url} and LLAMA_CLOUD_API_KEY is not set. Run \`llamactl auth login\` or \`llamactl auth token\`, or set LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID\n`,
      )
      const noneJson = await llamactl(['deployments', 'list', '--json'])
      expect(JSON.parse(noneJson.stdout).error).to.include({code: 'no_credentials'})
      // The host's copy of @oclif/core ends a failing plugin command with its one line too (no "EEXIT").
      const status = await llamactl(['auth', 'status', '--offline'])
      expect([status.code, status.stderr]).to.deep.equal([1, none.stderr])
      const unknownProfile = await llamactl(['auth', 'switch', 'nope'])
      expect([unknownProfile.code, unknownProfile.stderr.split('\n').filter(Boolean).length]).to.deep.equal([1, 1])

      // The current profile, and --profile.
      const [ciKey, otherKey] = [cp.addKey(), cp.addKey()]
      expect((await llamactl(['auth', 'token', '--api-key', '-', '--project-id', 'p2', '--name', 'other', '--no-interactive'], {}, otherKey)).code).to.equal(0)
      expect((await llamactl(['auth', 'token', '--api-key', '-', '--project', 'p1', '--name', 'ci', '--no-interactive'], {}, ciKey)).code).to.equal(0)
      const current = await deployments()
      expect(current.doc).to.deep.equal({
        deployments: [1, 2, 3].map((i) => ({id: `p1-d${i}`, name: `app-${i}`, status: 'Running'})),
        projectId: 'p1',
      })
      expect(current.stderr).to.equal('')
      expect(cp.calls('/api/v1beta1/deployments', 'GET').at(-1)?.authorization).to.equal(`Bearer ${ciKey}`)
      const text = await llamactl(['deployments', 'list'])
      expect(text.stdout).to.equal('app-1  Running\napp-2  Running\napp-3  Running\n')
      expect((await deployments(['--profile', 'other'])).doc).to.deep.equal({deployments: [], projectId: 'p2'})
      expect(cp.calls('/api/v1beta1/deployments', 'GET').at(-1)?.authorization).to.equal(`Bearer ${otherKey}`)
      const unknown = await llamactl(['deployments', 'list', '--profile', 'nope', '--json'])
      expect(unknown.code).to.equal(1)
      expect(JSON.parse(unknown.stdout).error).to.include({code: 'unknown_profile'})

      // The variables, with the override warning (once).
      const vars = await deployments([], {LLAMA_AGENTS_PROJECT_ID: 'p2', LLAMA_CLOUD_API_KEY: otherKey, LLAMA_CLOUD_BASE_URL: `${cp.url}/`})
      expect(vars.doc.projectId).to.equal('p2')
      expect(vars.stderr).to.equal(
        "Warning: Using LLAMA_CLOUD_API_KEY from the environment (overriding profile 'ci'). Set LLAMA_CLOUD_USE_PROFILE=1 to use the profile instead.\n",
      )
      expect(cp.calls('/api/v1beta1/deployments', 'GET').at(-1)?.authorization).to.equal(`Bearer ${otherKey}`)

      // A browser-login profile whose key the server revoked: repaired once, then no refresh.
      const login = await llamactl(['auth', 'login'], approvingBrowser(ALICE.email))
      expect(login.code, login.stderr).to.equal(0)
      const secrets = () => {
        const doc = JSON.parse(readFileSync(path.join(host.configDir, 'secrets.json'), 'utf8')).secrets as Record<string, string>
        const config = JSON.parse(readFileSync(path.join(host.configDir, 'config.json'), 'utf8'))
        const profile = config.profiles.find((p: {name: string}) => p.name === ALICE.email)
        return {keyId: profile.keyId as string, ...(JSON.parse(doc[`profile:${profile.id}`]) as {apiKey: string})}
      }

      const before = secrets()
      cp.revokeKey(before.apiKey)
      const repaired = await deployments()
      expect(repaired.doc).to.deep.equal({deployments: [1, 2, 3].map((i) => ({id: `p1-d${i}`, name: `app-${i}`, status: 'Running'})), projectId: 'p1'})
      const after = secrets()
      expect(after.apiKey).to.not.equal(before.apiKey)
      expect(repaired.stderr).to.equal(
        `Warning: The server rejected the CLI API key of ${ALICE.email}: replaced it with a new one (${after.keyId}) and revoked the old one (${before.keyId})\n`,
      )
      expect(op.grants('refresh_token')).to.have.length(1)
      expect(cp.minted.has(before.keyId)).to.equal(false)
      const next = await deployments()
      expect(next.stderr).to.equal('')
      expect(op.grants('refresh_token'), 'no refresh on the next run').to.have.length(1)
      expect(cp.calls('/api/v1beta1/deployments', 'GET').at(-1)?.authorization).to.equal(`Bearer ${after.apiKey}`)
      for (const r of [repaired, next, current, vars])
        expect(r.stdout + r.stderr)
          .to.not.include(after.apiKey)
          .and.not.include(ciKey)

      // The control: the declarations are real types, not `any`: misuses of them don't compile.
      const source = readFileSync(path.join(HOST_FIXTURE, 'library', 'deployments', 'list.ts'), 'utf8')
      const misuse = source.replace(
        '    const {projectId} = client.credentials\n',
        '    const {projectId} = client.credentials\n    const port: number = client.credentials.apiUrl\n    this.log(flags.profile.toUpperCase(), port)\n',
      )
      expect(misuse).to.not.equal(source)
      const refused = await compileHostCommand(host.host, misuse)
      expect(refused.code).to.not.equal(0)
      expect(refused.stdout).to.match(/error TS2322: Type 'string' is not assignable to type 'number'/)
      expect(refused.stdout).to.match(/error TS18048: 'flags.profile' is possibly 'undefined'/)
    } finally {
      await op.stop()
      await cp.stop()
    }
  })

  it('plugins link <repo dir>: the same auth topic and config, and uninstall unlinks it', async () => {
    const host = newHost('link')
    // --no-install: dependencies are already in the checkout; never run npm install in the repo.
    const linked = await host.llamactl(['plugins', 'link', ROOT, '--no-install'])
    expect(linked.code, linked.stderr).to.equal(0)
    const plugins = await host.llamactl(['plugins'])
    expect(plugins.stdout).to.match(/auth .*\(link\)/)

    await expectAuthTopic(host)
    // Inside a host the host decides what an unknown command outside auth gets (here oclif's own message); under auth, the plugin answers.
    const unknown = await host.llamactl(['nosuchtopic'])
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.match(/Error: command nosuchtopic not found/)
    const typo = await host.llamactl(['auth', 'tokn'])
    expect(typo.code).to.equal(2)
    expect(typo.stderr).to.match(/^Error: "llamactl auth tokn" is not a llamactl command\. Did you mean `llamactl auth token`\?$/m)
    await expectSharedProfile(host, 'via-link')
    await expectUninstalled(host)
  })

  it('completion in the host: its own commands, its core plugins, the linked plugin (gone after unlink), profiles and URLs', async () => {
    const host = newHost('complete')
    const linked = await host.llamactl(['plugins', 'link', ROOT, '--no-install'])
    expect(linked.code, linked.stderr).to.equal(0)
    const generated = await host.llamactl(['completion', 'generate', 'bash'])
    expect(generated.code, generated.stderr).to.equal(0)
    const scriptFile = path.join(tmp, 'complete', 'completion.bash')
    writeFileSync(scriptFile, generated.stdout)

    // Two profiles (one auto-named, with its ****) in a second environment.
    for (const args of [
      ['auth', 'env', 'add', server.url],
      ['auth', 'env', 'switch', server.url],
    ])
      expect((await host.llamactl(args)).code).to.equal(0)
    const auto = await host.llamactl(['auth', 'token', '--api-key', '-', '--project-id', 'p1', '--no-interactive', '--json'], server.addKey())
    expect(auto.code, auto.stderr).to.equal(0)
    const autoName: string = JSON.parse(auto.stdout).name
    expect((await host.llamactl(['auth', 'token', '--api-key', '-', '--project-id', 'p1', '--name', 'bob', '--no-interactive'], apiKey)).code).to.equal(0)

    const dir = path.dirname(host.configDir)
    // Completes the way bash calls a completion function: COMP_LINE/COMP_POINT/COMP_WORDS, then prints COMPREPLY.
    const driver = `set -u
source ${JSON.stringify(scriptFile)}
complete -p llamactl
t() {
  COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}
  read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=()
  _llamactl_completion llamactl "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
  printf '== %s\\n' "$1"; printf '%s\\n' "\${COMPREPLY[@]}"
}
t 'llamactl auth switch '
t 'llamactl auth logout b'
t 'llamactl auth env switch '
t 'llamactl auth env delete ${server.url.replace(/\d+$/, '')}'
t 'llamactl auth tok'
t 'llamactl '
t 'llamactl plugins '
`
    const complete = () => run('bash', ['-c', driver], {cwd: dir, env: host.env})
    const bash = await complete()
    expect(bash.code, bash.stderr).to.equal(0)
    const replies = Object.fromEntries(
      bash.stdout
        .split(/^== /m)
        .slice(1)
        .map((block) => {
          const [line, ...words] = block.split('\n').filter(Boolean)
          return [line, words.sort()]
        }),
    )
    expect(bash.stdout).to.match(/complete -F _llamactl_completion llamactl/)
    // The auto-name's **** escaped: readline inserts the text as it is, and bash would glob a bare *.
    expect(replies['llamactl auth switch ']).to.deep.equal([autoName.replaceAll('*', '\\*'), 'bob'].sort())
    expect(replies['llamactl auth logout b']).to.deep.equal(['bob'])
    expect(replies['llamactl auth env switch ']).to.deep.equal(['https://api.cloud.llamaindex.ai', server.url].sort())
    // bash splits words at ':', so a URL is completed from after its last colon (the port).
    expect(replies[`llamactl auth env delete ${server.url.replace(/\d+$/, '')}`]).to.deep.equal([new URL(server.url).port])
    expect(replies['llamactl auth tok'], bash.stdout).to.deep.equal(['token'])
    // The host's own commands (no manifest: from its commands dir), a core plugin's, the linked plugin's topic.
    expect(replies['llamactl ']).to.include.members(['auth', 'autocomplete', 'completion', 'help', 'plugins', 'version'])
    expect(replies['llamactl plugins ']).to.include.members(['install', 'link', 'uninstall'])

    // Unlinked: its commands are gone at the next TAB, with the same script.
    expect((await host.llamactl(['plugins', 'uninstall', '@llamactl/plugin-auth'])).code).to.equal(0)
    const after = await complete()
    expect(after.stdout.split(/^== /m).find((block) => block.startsWith('llamactl \n'))).to.not.match(/^auth$/m)
  })
})
