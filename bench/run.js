#!/usr/bin/env node
// Start-up benchmark for the auth plugin (a report, not a test).
//
// Measures, in one run and as medians of interleaved rounds:
//   - `auth list` (1 profile) against a bare oclif CLI's trivial command (bench/bare-cli) and `node -e 0`
//   - `auth --help` against the bare CLI's `--help`
//   - `auth list` with 1,000 profiles in 10 environments against 1 profile
//   - peak memory (max RSS) of `auth list` against the bare CLI's trivial command
//   - `auth status --offline` (an API-key profile) against the bare CLI's trivial command
//   - in a host (test/fixtures/host, oclif 5): `auth list` against the host's own `version`, with
//     the plugin as a dependency (one @oclif/core) and user-installed (its own core), and a
//     trivial user-installed plugin's command as the floor any such plugin pays
//   - the library's resolveCredentials (a current API-key profile), as a whole process, against `node -e 0`
//   - `llamactl auth use <TAB>` through the bash completion function, against `node -e 0`
//
// Usage: node bench/run.js [--rounds N] [--memory-rounds N] [--breakdown] [--cli DIR] [--json]
//        npm run bench -- --rounds 40 --json
//
// Every command runs as a plain child process (spawnSync, stdout and stderr piped, a clean
// environment); wall time is taken around each spawn. Max RSS comes from separate runs.
// Exits 0 whatever the ratios (it's a report); 1 if a measured command fails or prints
// something other than expected; 2 on bad usage or a missing build.
// Needs the built CLI (dist/ and oclif.manifest.json) but no build step of its own.

import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.dirname(BENCH_DIR)
const BARE_DIR = path.join(BENCH_DIR, 'bare-cli')
const HOST_FIXTURE = path.join(REPO, 'test', 'fixtures', 'host')
const NODE = process.execPath
const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'
const BUILD_HINT = 'Build it first: npm run build && npx oclif manifest'

// ---------------------------------------------------------------------------------------------
// Options

function usage(message) {
  if (message) process.stderr.write(`bench: ${message}\n`)
  process.stderr.write(
    'Usage: node bench/run.js [--rounds N] [--memory-rounds N] [--breakdown] [--cli DIR] [--json]\n' +
      '  --rounds N         timed rounds; each runs every command once, in rotating order (default 30, at least 10)\n' +
      '  --memory-rounds N  rounds measuring max RSS, apart from the timed ones (default 5)\n' +
      "  --breakdown        also split the time into oclif's phases, from its own performance marks\n" +
      '  --cli DIR          measure the built CLI in DIR (package.json, bin/run.js, dist/, oclif.manifest.json,\n' +
      '                     dependencies resolvable from there) instead of this repo: e.g. a patched copy\n' +
      '  --json             machine-readable output on stdout instead of the table\n',
  )
  process.exit(message ? 2 : 0)
}

function parseArgs(argv) {
  const opts = {breakdown: false, cli: REPO, json: false, memoryRounds: 5, rounds: 30}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined]
    const value = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) usage(`${name} needs a value`)
      return v
    }

    const count = () => {
      const v = value()
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1) usage(`${name} needs a positive integer, got ${v}`)
      return n
    }

    if (name === '--json') opts.json = true
    else if (name === '--breakdown') opts.breakdown = true
    else if (name === '--rounds') opts.rounds = count()
    else if (name === '--memory-rounds') opts.memoryRounds = count()
    else if (name === '--cli') opts.cli = path.resolve(value())
    else if (name === '--help' || name === '-h') usage()
    else usage(`unknown argument ${arg}`)
  }

  if (opts.rounds < 10) usage('--rounds must be at least 10: medians of fewer runs are too noisy to compare')
  return opts
}

// ---------------------------------------------------------------------------------------------
// Preconditions

function fail(message, code = 2) {
  process.stderr.write(`bench: ${message}\n`)
  process.exit(code)
}

function newestMtime(dir, ext) {
  let max = 0
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile() && entry.name.endsWith(ext)) max = Math.max(max, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs)
  }

  return max
}

/** The CLI under test must be built, with a manifest oclif will accept. Returns warnings. */
function checkBuild(root) {
  const rel = (p) => path.relative(process.cwd(), p) || p
  const pjsonFile = path.join(root, 'package.json')
  if (!existsSync(pjsonFile)) fail(`no package.json in ${root}`)
  const pjson = JSON.parse(readFileSync(pjsonFile, 'utf8'))
  const listJs = path.join(root, 'dist', 'commands', 'auth', 'list.js')
  if (!existsSync(listJs)) fail(`the CLI is not built: ${rel(listJs)} is missing. ${BUILD_HINT}`)
  const manifestFile = path.join(root, 'oclif.manifest.json')
  if (!existsSync(manifestFile)) fail(`${rel(manifestFile)} is missing (without it oclif imports every command to list them). ${BUILD_HINT}`)
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))
  if (!manifest.commands?.['auth:list']) fail(`${rel(manifestFile)} has no auth:list command. ${BUILD_HINT}`)
  if (manifest.version !== pjson.version)
    fail(`${rel(manifestFile)} is for version ${manifest.version} but package.json says ${pjson.version}, so oclif would ignore it. ${BUILD_HINT}`)

  // A stale build is measured as it is, but the report says so.
  const warnings = []
  const src = path.join(root, 'src')
  if (existsSync(src) && newestMtime(src, '.ts') > newestMtime(path.join(root, 'dist'), '.js'))
    warnings.push(`src/ has changes newer than dist/: this measures the older build (${BUILD_HINT})`)
  if (statSync(manifestFile).mtimeMs < statSync(listJs).mtimeMs - 1000) warnings.push('oclif.manifest.json is older than dist/: run `npx oclif manifest`')
  return warnings
}

/** The bare CLI's manifest is committed; should it be missing, oclif (a devDependency) makes it again. */
function ensureBareManifest() {
  const manifest = path.join(BARE_DIR, 'oclif.manifest.json')
  if (existsSync(manifest)) return
  const oclifBin = path.join(REPO, 'node_modules', 'oclif', 'bin', 'run.js')
  if (!existsSync(oclifBin)) fail(`${manifest} is missing, and the oclif devDependency that would generate it is not installed`)
  const r = spawnSync(NODE, [oclifBin, 'manifest'], {cwd: BARE_DIR, encoding: 'utf8', env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}})
  if (r.status !== 0 || !existsSync(manifest)) fail(`could not generate ${manifest}:\n${r.stderr}${r.stdout}`)
}

// ---------------------------------------------------------------------------------------------
// Fixtures: config dirs written directly in the documented schema (src/state/schema.ts, version 1)

function profileRecord(apiUrl, i) {
  const login = i % 3 === 0
  return {
    apiUrl,
    authType: login ? 'login' : 'api-key',
    ...(login ? {email: `user${i}@example.com`, keyId: `key-${i}`, sub: `sub-${i}`} : {keyHint: `llx-…${String(i).padStart(4, '0')}`}),
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `profile-${String(i).padStart(4, '0')}`,
    projectId: `proj-${i % 7}`,
  }
}

/** Writes config.json with `profiles` spread over `environments`; returns how many `auth list` shows. */
function writeConfig(dir, {environments: envCount, profiles: profileCount}) {
  const apiUrls = [DEFAULT_API_URL]
  for (let e = 1; e < envCount; e++) apiUrls.push(`https://cp-${e}.example.com`)
  const profiles = []
  // Inserted in descending name order, so the command's sort has work to do.
  for (let i = profileCount - 1; i >= 0; i--) profiles.push(profileRecord(apiUrls[i % envCount], i))
  const environments = apiUrls.map((apiUrl) => ({
    apiUrl,
    currentProfile: profiles.find((p) => p.apiUrl === apiUrl)?.name ?? null,
    minLlamactlVersion: null,
    requiresAuth: true,
  }))
  const doc = {currentEnvironment: DEFAULT_API_URL, environments, profiles, schemaVersion: 1}
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(doc, null, 2)}\n`, {mode: 0o600})
  return profiles.filter((p) => p.apiUrl === DEFAULT_API_URL).length
}

/** The bash completion script of the CLI under test (`completion generate bash`), written to tmp. */
function bashCompletionScript(tmp, runJs, env) {
  const r = spawnSync(NODE, [runJs, 'completion', 'generate', 'bash'], {encoding: 'utf8', env})
  if (r.status !== 0 || !/complete -F/.test(r.stdout)) throw new CommandFailed(`completion generate bash failed:\n${r.stderr.trim().slice(0, 2000)}`)
  const file = path.join(tmp, 'completion.bash')
  writeFileSync(file, r.stdout)
  return file
}

/** Secrets of the profiles of a config dir, in the 0600 file (LLAMACTL_SECRET_STORE=file). */
function writeSecrets(dir, ids) {
  const secrets = Object.fromEntries(ids.map((id) => [`profile:${id}`, JSON.stringify({apiKey: `llx-bench-${id.slice(-4)}-0123456789abcdef`})]))
  writeFileSync(path.join(dir, 'secrets.json'), `${JSON.stringify({schemaVersion: 1, secrets}, null, 2)}\n`, {mode: 0o600})
}

/**
 * The ways a plugin reaches a host (test/fixtures/host, a larger llamactl on oclif 5), built in
 * tmp from the repo's node_modules, without the network:
 * - as a dependency of the host, listed in its oclif.plugins: npm leaves one @oclif/core
 *   (test/host-today.install.test.ts checks it), so the plugin resolves the host's;
 * - user-installed: what `llamactl plugins install` leaves in the data dir, a package.json naming
 *   the plugin and a node_modules with the plugin and its dependencies, its own @oclif/core among
 *   them;
 * - the floor: the same for a plugin with one trivial command and only @oclif/core, what any
 *   user-installed oclif plugin pays; what this plugin costs above it is its own.
 * Returns the two hosts' bins and the two data dirs.
 */
function hostFixtures(tmp, cliRoot) {
  const linkModules = (modules, ownCore) => {
    mkdirSync(path.join(modules, '@oclif'), {recursive: true})
    for (const name of readdirSync(path.join(REPO, 'node_modules'))) {
      if (name.startsWith('.') || name === '@llamactl' || name === '@oclif') continue
      symlinkSync(path.join(REPO, 'node_modules', name), path.join(modules, name), 'dir')
    }

    for (const name of readdirSync(path.join(REPO, 'node_modules', '@oclif'))) {
      const from = path.join(REPO, 'node_modules', '@oclif', name)
      if (ownCore && name === 'core') cpSync(from, path.join(modules, '@oclif', name), {recursive: true})
      else symlinkSync(from, path.join(modules, '@oclif', name), 'dir')
    }
  }

  const copyPlugin = (to) => {
    mkdirSync(to, {recursive: true})
    for (const entry of ['package.json', 'oclif.manifest.json', 'bin', 'dist']) cpSync(path.join(cliRoot, entry), path.join(to, entry), {recursive: true})
  }

  const host = (name, dependency) => {
    const dir = path.join(tmp, name)
    cpSync(HOST_FIXTURE, dir, {filter: (src) => !src.endsWith('.ts') && !src.includes(`${path.sep}library`), recursive: true})
    const pjsonFile = path.join(dir, 'package.json')
    const pjson = JSON.parse(readFileSync(pjsonFile, 'utf8'))
    if (dependency) {
      pjson.dependencies['@llamactl/plugin-auth'] = '*'
      pjson.oclif.plugins.push('@llamactl/plugin-auth')
    }

    writeFileSync(pjsonFile, JSON.stringify(pjson, null, 2))
    linkModules(path.join(dir, 'node_modules'), false)
    if (dependency) copyPlugin(path.join(dir, 'node_modules', '@llamactl', 'plugin-auth'))
    return path.join(dir, 'bin', 'run.js')
  }

  const install = (dataDir, name, writePlugin) => {
    linkModules(path.join(dataDir, 'node_modules'), true)
    writePlugin(path.join(dataDir, 'node_modules', ...name.split('/')))
    const pjson = {private: true, oclif: {schema: 1, plugins: [{name, tag: 'latest', type: 'user'}]}, dependencies: {[name]: '*'}}
    writeFileSync(path.join(dataDir, 'package.json'), JSON.stringify(pjson, null, 2))
  }

  const writeFloorPlugin = (dir) => {
    mkdirSync(path.join(dir, 'commands'), {recursive: true})
    const pjson = {
      name: 'floor-plugin',
      version: '1.0.0',
      type: 'module',
      files: ['/commands'],
      dependencies: {'@oclif/core': '*'},
      oclif: {commands: './commands'},
    }
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pjson))
    const command = ["import {Command} from '@oclif/core'", 'export default class Floor extends Command {', "  async run() { this.log('floor') }", '}', '']
    writeFileSync(path.join(dir, 'commands', 'floor.js'), command.join('\n'))
    const oclifBin = path.join(REPO, 'node_modules', 'oclif', 'bin', 'run.js')
    const r = spawnSync(NODE, [oclifBin, 'manifest'], {cwd: dir, encoding: 'utf8', env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}})
    if (r.status !== 0) fail(`could not write the floor plugin's manifest:\n${r.stderr}`, 1)
  }

  const dataUser = path.join(tmp, 'host-data-user')
  const dataFloor = path.join(tmp, 'host-data-floor')
  install(dataUser, '@llamactl/plugin-auth', copyPlugin)
  install(dataFloor, 'floor-plugin', writeFloorPlugin)
  return {dataFloor, dataUser, dependency: host('host-dependency', true), plain: host('host', false)}
}

// ---------------------------------------------------------------------------------------------
// Running commands

/**
 * Children get a clean and equal environment: no dev-mode switches, no debug output, no preloads,
 * and no NODE_EXTRA_CA_CERTS: Node 20 reads that file at start-up (about 50 ms of a machine's CA
 * bundle here), the same for every command, which would make every ratio look closer to 1 than a
 * user without the variable sees it.
 */
function childEnv(extra) {
  const env = {...process.env}
  for (const key of Object.keys(env)) {
    if (/^(NODE_OPTIONS|NODE_ENV|NODE_EXTRA_CA_CERTS|DEBUG|NODE_DEBUG|OCLIF_.*|LLAMACTL_.*|BARE_.*)$/.test(key)) delete env[key]
  }

  return {...env, ...extra}
}

function run(cmd, {nodeArgs = [], wrap = [], env = {}} = {}) {
  // cmd.file: a program other than Node (the completion goes through bash).
  const [file, ...args] = cmd.file ? [cmd.file, ...cmd.args] : [...wrap, NODE, ...nodeArgs, ...cmd.args]
  const start = process.hrtime.bigint()
  const r = spawnSync(file, args, {
    cwd: cmd.cwd,
    encoding: 'utf8',
    env: {...cmd.env, ...env},
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.error) throw r.error
  return {ms, signal: r.signal, status: r.status, stderr: r.stderr, stdout: r.stdout}
}

class CommandFailed extends Error {}

function check(cmd, r) {
  let problem = null
  if (r.status !== 0) problem = `exited ${r.status ?? `on signal ${r.signal}`}`
  else if (cmd.expect && !cmd.expect(r.stdout)) problem = 'printed something other than expected'
  if (problem)
    throw new CommandFailed(
      `"${cmd.label}" ${problem}\n  command: ${[NODE, ...cmd.args].join(' ')}\n` +
        `  stdout: ${r.stdout.trim().slice(0, 2000)}\n  stderr: ${r.stderr.trim().slice(0, 2000)}`,
    )
}

// Max RSS: GNU time's %M (kilobytes: the kernel's ru_maxrss of the waited-for child) when
// /usr/bin/time works (Debian package "time"); otherwise a preloaded module that records
// process.resourceUsage().maxRSS (kilobytes, same kernel counter) at exit.
function memoryMethod(tmp) {
  const gnuTime = '/usr/bin/time'
  if (existsSync(gnuTime)) {
    const probe = spawnSync(gnuTime, ['-f', '%M', NODE, '-e', '0'], {encoding: 'utf8'})
    if (probe.status === 0 && Number(probe.stderr.trim().split('\n').pop()) > 0)
      return {
        name: "/usr/bin/time -f %M (the kernel's ru_maxrss of the child)",
        measure(cmd) {
          const r = run(cmd, {wrap: [gnuTime, '-f', '@@maxrss=%M']})
          const m = /@@maxrss=(\d+)\s*$/.exec(r.stderr)
          return {...r, kb: m ? Number(m[1]) : NaN, stderr: r.stderr.replace(/@@maxrss=\d+\s*$/, '')}
        },
      }
  }

  const preload = path.join(tmp, 'maxrss.cjs')
  const out = path.join(tmp, 'maxrss.out')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)))\n`)
  return {
    name: 'process.resourceUsage().maxRSS at exit, preloaded with node --require (no working /usr/bin/time)',
    measure(cmd) {
      rmSync(out, {force: true})
      const r = run(cmd, {nodeArgs: ['--require', preload]})
      return {...r, kb: existsSync(out) ? Number(readFileSync(out, 'utf8')) : NaN}
    },
  }
}

// --breakdown: oclif records performance marks for its phases when settings.performanceEnabled
// is set (globalThis.oclif); a preload turns that on and writes the durations out at exit.
const PHASES = [
  ['boot', 'node start-up and import of @oclif/core (until main.run starts)'],
  ['init', 'Config.load: package.json, manifests, plugins'],
  ['rootPlugin', '  of which: the root plugin (manifest, commands sorted)'],
  ['plugins', '  of which: the core plugins (plugin-help)'],
  ['commandLoad', 'import of the command module and everything it imports'],
  ['commandRun', 'parse flags and run()'],
  ['exit', 'from the end of main.run to process exit'],
]

function breakdownPreload(tmp) {
  const file = path.join(tmp, 'oclif-phases.cjs')
  writeFileSync(
    file,
    `globalThis.oclif = {...globalThis.oclif, performanceEnabled: true}
// oclif clears its marks once it has measured them, so they are recorded here as they are made.
const {performance} = require('node:perf_hooks')
const marks = new Map()
const mark = performance.mark.bind(performance)
performance.mark = (name, ...rest) => {
  marks.set(name, performance.now())
  return mark(name, ...rest)
}
process.on('exit', () => {
  const end = performance.now()
  const span = (name) => {
    const key = [...marks.keys()].find((k) => k === name + '-start' || (k.startsWith(name + '#') && k.endsWith('-start') && !name.includes('#')))
    const stop = key && marks.get(key.slice(0, -'-start'.length) + '-stop')
    return stop === undefined || !key ? null : {start: marks.get(key), stop}
  }
  const d = (s) => (s ? s.stop - s.start : null)
  const main = span('main.run'), run = span('config.runCommand'), load = span('plugin.findCommand')
  const out = {
    boot: main && main.start,
    init: d(span('main.run#init')),
    rootPlugin: d(span('plugin.load#root')),
    plugins: d(span('config.loadPlugins#core')),
    commandLoad: d(load),
    commandRun: run && load ? d(run) - d(load) : d(run),
    exit: main && end - main.stop,
  }
  require('node:fs').writeSync(2, '@@phases=' + JSON.stringify(out) + '\\n')
})
`,
  )
  return file
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo)
}

const median = (xs) => quantile(xs, 0.5)
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-')

function table(headers, rows, rightAlign) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) =>
    cells
      .map((c, i) => (rightAlign.includes(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

// ---------------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2))
  const root = opts.cli
  const warnings = checkBuild(root)
  ensureBareManifest()

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-bench-'))
  const cleanup = () => rmSync(tmp, {force: true, recursive: true})
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      cleanup()
      process.exit(130)
    })
  }

  try {
    report(opts, root, tmp, warnings)
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error
    process.stderr.write(`\nbench: a measured command failed, so there are no figures:\n${error.message}\n`)
    process.exitCode = 1
  } finally {
    cleanup()
  }
}

function report(opts, root, tmp, warnings) {
  const dir1 = path.join(tmp, 'one-profile')
  const dir1000 = path.join(tmp, 'thousand-profiles')
  const home = path.join(tmp, 'home')
  for (const d of [dir1, dir1000, home]) mkdirSync(d, {mode: 0o700})
  writeConfig(dir1, {environments: 1, profiles: 1})
  const shown1000 = writeConfig(dir1000, {environments: 10, profiles: 1000})
  // A current API-key profile with its secret (profile 1; profile 0 is a login profile), for status and the library.
  const dirKey = path.join(tmp, 'api-key-profile')
  mkdirSync(dirKey, {mode: 0o700})
  writeConfig(dirKey, {environments: 1, profiles: 2})
  writeSecrets(dirKey, [profileRecord(DEFAULT_API_URL, 0).id, profileRecord(DEFAULT_API_URL, 1).id])
  const host = hostFixtures(tmp, root)
  const library = pathToFileURL(path.join(root, 'dist', 'index.js')).href
  const resolveScript = `import {resolveCredentials} from ${JSON.stringify(library)}
const c = await resolveCredentials({configDir: process.env.LLAMACTL_CONFIG_DIR})
process.stdout.write(c.source + ' ' + c.profile + ' ' + (c.apiKey ? 'key' : 'none') + '\\n')`

  // Data and cache dirs point into tmp as well, so no user plugin or cache of this machine
  // takes part in either CLI.
  const base = {
    BARE_CACHE_DIR: path.join(home, 'bare-cache'),
    BARE_CONFIG_DIR: path.join(home, 'bare-config'),
    BARE_DATA_DIR: path.join(home, 'bare-data'),
    LLAMACTL_CACHE_DIR: path.join(home, 'llamactl-cache'),
    LLAMACTL_DATA_DIR: path.join(home, 'llamactl-data'),
  }
  const runJs = path.join(root, 'bin', 'run.js')
  const bareJs = path.join(BARE_DIR, 'bin', 'run.js')
  const completionScript = bashCompletionScript(tmp, runJs, childEnv({...base, LLAMACTL_CONFIG_DIR: dir1}))
  const profileRows = (out) => out.split('\n').filter((l) => /profile-\d{4}/.test(l)).length
  const spec = [
    {id: 'node', label: 'node -e 0', args: ['-e', '0'], expect: (out) => out === ''},
    {id: 'bare', label: 'bare CLI: hello', args: [bareJs, 'hello'], expect: (out) => out.trim() === 'hello'},
    {id: 'bareHelp', label: 'bare CLI: --help', args: [bareJs, '--help'], expect: (out) => /USAGE/.test(out) && /hello/.test(out)},
    {
      id: 'list1',
      label: 'auth list (1 profile)',
      args: [runJs, 'auth', 'list'],
      env: {LLAMACTL_CONFIG_DIR: dir1},
      expect: (out) => profileRows(out) === 1,
    },
    {
      id: 'list1000',
      label: `auth list (1,000 profiles in 10 envs; ${shown1000} shown)`,
      args: [runJs, 'auth', 'list'],
      env: {LLAMACTL_CONFIG_DIR: dir1000},
      expect: (out) => profileRows(out) === shown1000,
    },
    {
      id: 'statusOffline',
      label: 'auth status --offline (API-key profile)',
      args: [runJs, 'auth', 'status', '--offline'],
      env: {LLAMACTL_CONFIG_DIR: dirKey, LLAMACTL_SECRET_STORE: 'file'},
      expect: (out) => /^Check: +skipped/m.test(out) && /^API key: +llx-be\*\*\*\*/m.test(out),
    },
    {
      id: 'depList',
      label: 'host: auth list, plugin a dependency',
      args: [host.dependency, 'auth', 'list'],
      env: {LLAMACTL_CONFIG_DIR: dir1},
      expect: (out) => profileRows(out) === 1,
    },
    {
      id: 'depVersion',
      label: 'host: its own version, plugin a dependency',
      args: [host.dependency, 'version'],
      expect: (out) => out.trim() === '1.0.0',
    },
    {
      id: 'userList',
      label: 'host: auth list, plugin user-installed',
      args: [host.plain, 'auth', 'list'],
      env: {LLAMACTL_CONFIG_DIR: dir1, LLAMACTL_DATA_DIR: host.dataUser},
      expect: (out) => profileRows(out) === 1,
    },
    {
      id: 'userVersion',
      label: 'host: its own version, plugin user-installed',
      args: [host.plain, 'version'],
      env: {LLAMACTL_DATA_DIR: host.dataUser},
      expect: (out) => out.trim() === '1.0.0',
    },
    {
      id: 'floorCmd',
      label: 'host: a trivial user-installed plugin',
      args: [host.plain, 'floor'],
      env: {LLAMACTL_DATA_DIR: host.dataFloor},
      expect: (out) => out.trim() === 'floor',
    },
    {
      id: 'resolve',
      label: 'library: resolveCredentials (process)',
      args: ['--input-type=module', '-e', resolveScript],
      env: {LLAMACTL_CONFIG_DIR: dirKey, LLAMACTL_SECRET_STORE: 'file'},
      expect: (out) => out === 'profile profile-0001 key\n',
    },
    {
      // What bash runs at `llamactl auth use <TAB>`: the function `completion generate bash`
      // registered, called the way readline calls it (bash's own start-up is in the time too).
      id: 'complete',
      label: 'completion: auth use <TAB> (bash function)',
      file: 'bash',
      args: [
        '--norc',
        '--noprofile',
        '-c',
        'source "$1"; COMP_LINE="llamactl auth use "; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(llamactl auth use ""); COMP_CWORD=3; _llamactl_completion; printf "%s\\n" "${COMPREPLY[@]}"',
        'bench',
        completionScript,
      ],
      env: {LLAMACTL_CONFIG_DIR: dir1},
      expect: (out) => out === 'profile-0000\n',
    },
    {
      id: 'authHelp',
      label: 'auth --help',
      args: [runJs, 'auth', '--help'],
      env: {LLAMACTL_CONFIG_DIR: dir1},
      expect: (out) => /auth list/.test(out),
    },
  ]
  const commands = spec.map((c) => ({...c, cwd: root, env: childEnv({...base, ...c.env}), kb: [], ms: [], phases: [], stderr: new Set()}))
  const byId = Object.fromEntries(commands.map((c) => [c.id, c]))
  const progress = (msg) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\u001B[K${msg}`)
  }

  // The floor must really be a CLI with plugin-help loaded (oclif loads only plugins that are
  // also dependencies): `help hello` is plugin-help's command.
  check(
    {...byId.bare, args: [bareJs, 'help', 'hello'], expect: (out) => /USAGE/.test(out), label: 'bare CLI: help hello (plugin-help loaded?)'},
    run({...byId.bare, args: [bareJs, 'help', 'hello']}),
  )

  // Warm-up: fills the page cache and fails fast on a broken build.
  for (let i = 0; i < 2; i++) for (const cmd of commands) check(cmd, run(cmd))

  // Timed rounds: every command once per round, the order rotating so that none always runs
  // first or last. The cycle puts each command next to the one it is compared with, so the two
  // runs of a pair are a fraction of a second apart and a slow spell of the machine hits both.
  // Anything on stderr is collected for the report (a warning there can mean oclif fell back to a
  // slow path).
  const cycle = [
    'node',
    'complete',
    'resolve',
    'list1000',
    'list1',
    'bare',
    'statusOffline',
    'bareHelp',
    'authHelp',
    'depList',
    'depVersion',
    'userList',
    'userVersion',
    'floorCmd',
  ].map((id) => byId[id])
  if (cycle.length !== commands.length || cycle.includes(undefined)) throw new Error('bench: the timing cycle must hold every command once')
  const started = Date.now()
  for (let round = 0; round < opts.rounds; round++) {
    progress(`timing: round ${round + 1}/${opts.rounds}`)
    for (let k = 0; k < cycle.length; k++) {
      const cmd = cycle[(k + round) % cycle.length]
      const r = run(cmd)
      check(cmd, r)
      cmd.ms.push(r.ms)
      if (r.stderr.trim()) cmd.stderr.add(r.stderr.trim().split('\n')[0])
    }
  }

  const mem = memoryMethod(tmp)
  const memIds = ['node', 'bare', 'list1', 'list1000']
  for (let round = 0; round < opts.memoryRounds; round++) {
    progress(`memory: round ${round + 1}/${opts.memoryRounds}`)
    for (let k = 0; k < memIds.length; k++) {
      const cmd = byId[memIds[(k + round) % memIds.length]]
      const r = mem.measure(cmd)
      check(cmd, r)
      if (!Number.isFinite(r.kb)) throw new CommandFailed(`could not read the max RSS of "${cmd.label}"`)
      cmd.kb.push(r.kb)
    }
  }

  const phaseIds = ['bare', 'list1', 'list1000', 'statusOffline']
  if (opts.breakdown) {
    const preload = breakdownPreload(tmp)
    const phaseRounds = Math.max(10, Math.ceil(opts.rounds / 2))
    for (let round = 0; round < phaseRounds; round++) {
      progress(`phases: round ${round + 1}/${phaseRounds}`)
      for (let k = 0; k < phaseIds.length; k++) {
        const cmd = byId[phaseIds[(k + round) % phaseIds.length]]
        const r = run(cmd, {nodeArgs: ['--require', preload]})
        check(cmd, r)
        const m = /@@phases=(.*)$/m.exec(r.stderr)
        if (!m) throw new CommandFailed(`"${cmd.label}" did not report oclif's phases:\n${r.stderr}`)
        cmd.phases.push(JSON.parse(m[1]))
      }
    }
  }

  progress('')
  const seconds = (Date.now() - started) / 1000

  const stats = Object.fromEntries(
    commands.map((c) => [
      c.id,
      {
        maxRssKb: c.kb.length > 0 ? median(c.kb) : null,
        medianMs: median(c.ms),
        minMs: Math.min(...c.ms),
        p25Ms: quantile(c.ms, 0.25),
        p75Ms: quantile(c.ms, 0.75),
        phasesMs: c.phases.length > 0 ? Object.fromEntries(PHASES.map(([key]) => [key, median(c.phases.map((p) => p[key]).filter((v) => v !== null))])) : null,
      },
    ]),
  )
  // A time ratio is the median of the per-round ratios: both commands ran in the same round, a few
  // hundred milliseconds apart, so a slow spell of the machine slows both and cancels out. The ratio
  // of the two medians is kept beside it for information.
  const compare = (name, a, b, target, measure = 'time') => {
    const ratioOfMedians = measure === 'time' ? stats[a].medianMs / stats[b].medianMs : stats[a].maxRssKb / stats[b].maxRssKb
    const ratio = measure === 'time' ? median(byId[a].ms.map((ms, round) => ms / byId[b].ms[round])) : ratioOfMedians
    const verdict = target === null ? 'info' : ratio <= target ? 'PASS' : 'OVER'
    return {name, of: a, to: b, measure, ratio, ratioOfMedians, target, verdict}
  }

  const comparisons = [
    compare('auth list vs bare CLI command', 'list1', 'bare', 1.1),
    compare('auth list vs node -e 0', 'list1', 'node', null),
    compare('bare CLI command vs node -e 0', 'bare', 'node', null),
    compare('auth --help vs bare CLI --help', 'authHelp', 'bareHelp', 1.1),
    compare('auth list: 1,000 profiles vs 1', 'list1000', 'list1', 1.2),
    compare('auth status --offline vs bare CLI command', 'statusOffline', 'bare', 1.1),
    compare('host: auth list vs its own command, plugin a dependency', 'depList', 'depVersion', 1.1),
    compare('host: auth list vs its own command, plugin user-installed', 'userList', 'userVersion', 1.25),
    compare('host: trivial user-installed plugin vs its own command (the floor)', 'floorCmd', 'userVersion', null),
    compare('host: auth list vs the trivial plugin, both user-installed', 'userList', 'floorCmd', null),
    compare('resolveCredentials process vs node -e 0', 'resolve', 'node', null),
    compare('completion (bash, auth use <TAB>) vs node -e 0', 'complete', 'node', 1.5),
    compare('max RSS: auth list vs bare CLI command', 'list1', 'bare', null, 'maxRss'),
    compare('max RSS: auth list (1,000) vs bare CLI command', 'list1000', 'bare', null, 'maxRss'),
  ]
  for (const c of commands) for (const line of c.stderr) warnings.push(`"${c.label}" wrote to stderr: ${line}`)

  if (opts.json) {
    const out = {
      cli: root,
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      loadAverage: os.loadavg(),
      rounds: opts.rounds,
      memoryRounds: opts.memoryRounds,
      memoryMethod: mem.name,
      seconds,
      warnings,
      commands: Object.fromEntries(commands.map((c) => [c.id, {label: c.label, args: c.args, ...stats[c.id], samplesMs: c.ms, samplesMaxRssKb: c.kb}])),
      comparisons,
    }
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    return
  }

  const lines = [
    `@llamactl/plugin-auth start-up benchmark: node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${opts.rounds} interleaved rounds (${seconds.toFixed(0)} s)`,
    ...(root === REPO ? [] : [`CLI measured: ${root}`]),
    '',
    table(
      ['command', 'median ms', 'p25–p75 ms', 'min ms', 'max RSS MB'],
      commands.map((c) => {
        const s = stats[c.id]
        return [c.label, fmt(s.medianMs), `${fmt(s.p25Ms)}–${fmt(s.p75Ms)}`, fmt(s.minMs), s.maxRssKb === null ? '' : fmt(s.maxRssKb / 1024)]
      }),
      [1, 2, 3, 4],
    ),
    '',
    table(
      ['comparison', 'ratio (paired)', 'of medians', 'target', ''],
      comparisons.map((c) => [
        c.name,
        `${fmt(c.ratio, 2)}×`,
        c.measure === 'time' ? `${fmt(c.ratioOfMedians, 2)}×` : '',
        c.target === null ? '-' : `≤ ${c.target}×`,
        c.verdict === 'info' ? '' : c.verdict,
      ]),
      [1, 2, 3],
    ),
  ]
  if (opts.breakdown) {
    lines.push(
      '',
      table(
        ['phase (medians, ms, from oclif marks)', ...phaseIds.map((id) => byId[id].label.replace(/ \(.*;.*\)$/, ' (1,000)'))],
        PHASES.map(([key, label]) => [`${key}: ${label}`, ...phaseIds.map((id) => fmt(stats[id].phasesMs[key]))]),
        phaseIds.map((_, i) => i + 1),
      ),
    )
  }

  lines.push('', `Max RSS: ${mem.name}, median of ${opts.memoryRounds} runs each.`)
  for (const w of warnings) lines.push(`warning: ${w}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

main()
