import {expect} from 'chai'
import {mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {cleanEnv, HOST_FIXTURE, ROOT, run, stageCheckout, tempDir} from './fixtures/host/stage.js'

/** The oldest TypeScript docs/library.md promises for a host that uses the library. */
const OLDEST_TYPESCRIPT = '5.2.2'

/**
 * A llamactl host as a team would start it today (oclif 5, Node 22+), with the packed plugin in
 * the two places a host meets it: its declarations, compiled the way TypeScript 6 and later
 * compile (no @types package unless listed), and its dependency tree, installed from the npm
 * registry with the plugin as a dependency.
 */
describe('in a host of today: declarations that stand alone, and one @oclif/core', function () {
  this.timeout(420_000)
  let tmp: string
  let tgz: string
  let npmEnv: NodeJS.ProcessEnv

  before(async () => {
    tmp = tempDir('llamactl-today-')
    npmEnv = cleanEnv({HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_update_notifier: 'false'})
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {cwd: stageCheckout(tmp), env: npmEnv})
    expect(packed.code, packed.stderr).to.equal(0)
    tgz = path.join(tmp, JSON.parse(packed.stdout)[0].filename)
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  /**
   * A host project whose node_modules has the packed plugin (unpacked from the tarball) and the
   * repo's packages (@oclif/core, @types/node, …), and a tsconfig as strict as a careful team's:
   * nodenext, skipLibCheck off, and no `types` list.
   */
  async function typedHost(name: string): Promise<string> {
    const host = path.join(tmp, name)
    const modules = path.join(host, 'node_modules')
    mkdirSync(path.join(modules, '@llamactl', 'plugin-auth'), {recursive: true})
    const unpacked = await run('tar', ['-xzf', tgz, '--strip-components=1', '-C', path.join(modules, '@llamactl', 'plugin-auth')])
    expect(unpacked.code, unpacked.stderr).to.equal(0)
    for (const entry of ['@oclif', '@types', 'got', 'enquirer', 'openid-client', 'yaml', 'proper-lockfile', 'https-proxy-agent'])
      symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry), 'dir')
    mkdirSync(path.join(host, 'src', 'deployments'), {recursive: true})
    writeFileSync(path.join(host, 'package.json'), JSON.stringify({name: 'host', private: true, type: 'module'}))
    writeFileSync(path.join(host, 'src', 'deployments', 'list.ts'), readFileSync(path.join(HOST_FIXTURE, 'library', 'deployments', 'list.ts'), 'utf8'))
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      noEmit: true,
      noImplicitOverride: true,
      skipLibCheck: false,
      strict: true,
      target: 'es2022',
    }
    writeFileSync(path.join(host, 'tsconfig.json'), JSON.stringify({compilerOptions, include: ['src']}))
    return host
  }

  it('the library example (docs/library.md) compiles against the packed declarations with TypeScript 7, @types/node installed but not listed in types', async () => {
    const host = await typedHost('ts7')
    const tsc = path.join(ROOT, 'node_modules', 'typescript7', 'bin', 'tsc')
    const version = await run(process.execPath, [tsc, '--version'])
    expect(version.stdout).to.match(/^Version 7\./)
    const compiled = await run(process.execPath, [tsc, '-p', host], {cwd: host, timeoutMs: 120_000})
    expect(compiled.code, `${compiled.stdout}${compiled.stderr}`).to.equal(0)
    expect(compiled.stdout).not.to.include('error TS')
  })

  it(`and with the oldest TypeScript docs/library.md promises (${OLDEST_TYPESCRIPT}), from the npm registry`, async () => {
    const host = await typedHost('ts-oldest')
    const prefix = path.join(tmp, 'ts-oldest-tool')
    const installed = await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `typescript@${OLDEST_TYPESCRIPT}`], {
      env: npmEnv,
      timeoutMs: 180_000,
    })
    expect(installed.code, installed.stderr).to.equal(0)
    const compiled = await run(process.execPath, [path.join(prefix, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', host], {cwd: host, timeoutMs: 120_000})
    expect(compiled.code, `${compiled.stdout}${compiled.stderr}`).to.equal(0)
  })

  it('as a dependency of an oclif 5 host listed in oclif.plugins, npm leaves one @oclif/core in the tree, and the host runs auth list', async () => {
    const host = path.join(tmp, 'dependency-host')
    mkdirSync(path.join(host, 'bin'), {recursive: true})
    const pjson = JSON.parse(readFileSync(path.join(HOST_FIXTURE, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      oclif: {commands: string; plugins: string[]}
    }
    pjson.dependencies['@llamactl/plugin-auth'] = `file:${tgz}`
    pjson.oclif.plugins = [...pjson.oclif.plugins.filter((p) => p !== '@oclif/plugin-autocomplete'), '@llamactl/plugin-auth']
    delete pjson.dependencies['@oclif/plugin-autocomplete']
    writeFileSync(path.join(host, 'package.json'), JSON.stringify(pjson, null, 2))
    writeFileSync(path.join(host, 'bin', 'run.js'), readFileSync(path.join(HOST_FIXTURE, 'bin', 'run.js')))
    mkdirSync(path.join(host, 'commands'))
    writeFileSync(path.join(host, 'commands', 'version.js'), readFileSync(path.join(HOST_FIXTURE, 'commands', 'version.js')))

    const installed = await run('npm', ['install', '--no-audit', '--no-fund'], {cwd: host, env: npmEnv, timeoutMs: 300_000})
    expect(installed.code, installed.stderr).to.equal(0)
    const cores = await run('npm', ['ls', '@oclif/core', '--all', '--parseable'], {cwd: host, env: npmEnv})
    expect(cores.code, cores.stderr).to.equal(0)
    const paths = new Set(cores.stdout.split('\n').filter(Boolean))
    expect([...paths].map((p) => path.relative(host, p))).to.deep.equal([path.join('node_modules', '@oclif', 'core')])

    const cacheDir = path.join(tmp, 'dependency-cache')
    const env = cleanEnv({HOME: tmp, LLAMACTL_CACHE_DIR: cacheDir, LLAMACTL_CONFIG_DIR: path.join(tmp, 'dependency-config'), LLAMACTL_SECRET_STORE: 'file'})
    const list = await run(process.execPath, ['--', path.join(host, 'bin', 'run.js'), 'auth', 'list', '--json'], {cwd: host, env})
    expect(list.code, list.stderr).to.equal(0)
    expect(JSON.parse(list.stdout).profiles).to.deep.equal([])
    // The host's bin doesn't turn Node's compile cache on; the plugin's init hook does, in the host's cache dir.
    expect(readdirSync(path.join(cacheDir, 'compile-cache')), 'compiled code kept for the next run').to.not.be.empty
  })
})
