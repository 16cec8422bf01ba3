import {expect} from 'chai'
import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {ROOT, runCli} from '../support/cli.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {keychainAvailable, keytar} from '../support/keychain.js'
import {closeServer, listenOnLoopback, trackSockets} from '../support/loopback.js'

const COMPLETER = path.join(ROOT, 'dist', 'completion', 'complete.js')

interface Ran {
  code: null | number
  ms: number
  stderr: string
  stdout: string
}

/** Runs a program with a hard bound; never rejects. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<Ran> {
  const started = Date.now()
  return new Promise((resolve) => {
    execFile(file, args, {encoding: 'utf8', env, killSignal: 'SIGKILL', timeout: timeoutMs}, (error, stdout, stderr) => {
      resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, ms: Date.now() - started, stderr, stdout})
    })
  })
}

const PROFILES = ['alice', 'my profile', `it's "quoted"`, 'Zoë', 'bob']

describe('shell completion, driven through real bash, zsh and fish (temp config, test control plane)', function () {
  this.timeout(60_000)
  let tmp: string
  let env: NodeJS.ProcessEnv
  let configDir: string
  let cp: TestControlPlane
  let key: string
  const scripts: Record<string, string> = {}

  const writeConfig = (currentEnvironment: string, extra: object[] = []) =>
    writeFileSync(
      path.join(configDir, 'config.json'),
      JSON.stringify({
        currentEnvironment,
        environments: [
          {apiUrl: 'https://api.cloud.llamaindex.ai', currentProfile: null, minLlamactlVersion: null, requiresAuth: true},
          {apiUrl: cp.url, currentProfile: 'alice', minLlamactlVersion: null, requiresAuth: true},
          {apiUrl: 'http://localhost:8080', currentProfile: null, minLlamactlVersion: null, requiresAuth: false},
          {apiUrl: 'https://staging.example.com:8443', currentProfile: null, minLlamactlVersion: null, requiresAuth: true},
        ],
        profiles: [
          ...PROFILES.map((name, i) => ({apiUrl: cp.url, authType: 'api-key', id: `id-${i}`, name, projectId: null})),
          {apiUrl: 'http://localhost:8080', authType: 'none', id: 'other', name: 'elsewhere', projectId: null},
          ...extra,
        ],
        schemaVersion: 1,
      }),
    )

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-completion-'))
    configDir = path.join(tmp, 'config')
    mkdirSync(configDir)
    cp = await new TestControlPlane().start()
    key = cp.addKey()
    writeConfig(cp.url)
    writeFileSync(path.join(configDir, 'secrets.json'), JSON.stringify({schemaVersion: 1, secrets: {'profile:id-0': JSON.stringify({apiKey: key})}}))
    env = {
      ...process.env,
      HOME: tmp,
      LLAMACTL_CONFIG_DIR: configDir,
      LLAMACTL_SECRET_STORE: 'file',
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
    }
    for (const name of ['LLAMA_CLOUD_API_KEY', 'LLAMA_AGENTS_PROJECT_ID', 'LLAMA_CLOUD_BASE_URL', 'NODE_OPTIONS']) delete env[name]
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const result = await runCli(['completion', 'generate', shell], {env})
      expect(result.code, result.stderr).to.equal(0)
      scripts[shell] = path.join(tmp, `script.${shell}`)
      writeFileSync(scripts[shell], result.stdout)
    }
  })

  after(async () => {
    await cp.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  beforeEach(() => {
    // The server answers' cache; the command tree written from oclif's Config stays (it is checked against the files it came from).
    rmSync(path.join(tmp, 'cache', 'llamactl', 'completion-cache.json'), {force: true})
    writeConfig(cp.url)
  })

  /**
   * bash as readline calls it: COMP_LINE, COMP_POINT (bytes), COMP_WORDS/COMP_CWORD split with
   * COMP_WORDBREAKS, the registered function; returns COMPREPLY.
   */
  async function bash(line: string, runEnv = env): Promise<string[]> {
    const program = `
source "$1"
COMP_LINE=$2; COMP_POINT=$3
read -ra COMP_WORDS <<< "$2"; COMP_CWORD=\${#COMP_WORDS[@]}
[[ $2 == *' ' ]] || COMP_CWORD=$((COMP_CWORD - 1))
spec=$(complete -p llamactl); fn=\${spec##*-F }; fn=\${fn%% *}
"$fn" llamactl "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`
    const result = await run('bash', ['--norc', '--noprofile', '-c', program, 'drive', scripts.bash, line, String(Buffer.byteLength(line))], runEnv)
    expect(result.stderr).to.equal('')
    return result.stdout.split('\n').filter(Boolean)
  }

  /** What bash makes of a piece of command line: its words after quote removal. */
  async function bashWords(text: string): Promise<string[]> {
    const result = await run('bash', ['--norc', '--noprofile', '-c', `eval "set -- $1"; printf '%s\\n' "$@"`, 'words', text], env)
    return result.stdout.split('\n').filter(Boolean)
  }

  /** zsh: the completion function with `words`, `CURRENT` and `PREFIX` set, compadd recording what it is given. */
  async function zsh(words: string[]): Promise<string[]> {
    const program = `
compdef() { : }
compadd() { local i=\${@[(i)--]}; print -rl -- "\${@[i+1,-1]}" }
source "$1"; shift
words=(llamactl "$@"); CURRENT=$#words; PREFIX=\${words[CURRENT]}
_llamactl`
    const result = await run('zsh', ['-f', '-c', program, 'drive', scripts.zsh, ...words], env)
    expect(result.stderr).to.equal('')
    return result.stdout.split('\n').filter(Boolean)
  }

  /** fish's own `complete -C`: value and description, as fish would list them. */
  async function fish(line: string): Promise<string[]> {
    const result = await run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish, line], env)
    expect(result.stderr).to.equal('')
    return result.stdout.split('\n').filter(Boolean)
  }

  describe('commands, topics and flags from the manifests', () => {
    it('bash completes topics, subcommands and flags of the command being typed', async () => {
      expect(await bash('llamactl ')).to.include.members(['auth', 'completion', 'help'])
      expect(await bash('llamactl auth env sw')).to.deep.equal(['switch'])
      expect(await bash('llamactl completion generate ')).to.have.members(['bash', 'zsh', 'fish', 'powershell'])
      expect(await bash('llamactl auth status --')).to.include.members(['--profile', '--project-id', '--offline', '--json'])
      // A flag given once is not offered again.
      expect(await bash('llamactl auth status --offline --')).not.to.include('--offline')
    })

    it('fish lists commands with their summaries, zsh the same commands', async () => {
      expect(await fish('llamactl auth env ')).to.include('switch\tSwitch the current environment')
      expect(await zsh(['auth', 'env', ''])).to.include.members(['add', 'delete', 'list', 'switch'])
    })

    it('a plugin in the data dir completes as soon as it is listed there, and not after it is removed', async () => {
      const plugin = path.join(tmp, 'extra-plugin')
      mkdirSync(plugin, {recursive: true})
      writeFileSync(path.join(plugin, 'package.json'), JSON.stringify({name: 'extra-plugin', oclif: {commands: './commands'}, version: '1.0.0'}))
      const manifest = {
        commands: {
          'deploy:now': {aliases: [], args: {}, flags: {force: {name: 'force', type: 'boolean'}}, id: 'deploy:now', summary: 'Deploy now'},
          'deploy:secret': {aliases: [], args: {}, flags: {}, hidden: true, id: 'deploy:secret'},
        },
        version: '1.0.0',
      }
      writeFileSync(path.join(plugin, 'oclif.manifest.json'), JSON.stringify(manifest))
      const dataDir = path.join(tmp, 'data', 'llamactl')
      mkdirSync(dataDir, {recursive: true})
      // What `plugins link` writes (oclif's user package.json).
      writeFileSync(
        path.join(dataDir, 'package.json'),
        JSON.stringify({oclif: {plugins: [{name: 'extra-plugin', root: plugin, type: 'link'}], schema: 1}, private: true}),
      )
      try {
        expect(await bash('llamactl de')).to.deep.equal(['deploy'])
        expect(await bash('llamactl deploy ')).to.deep.equal(['now'])
        expect(await fish('llamactl deploy now --')).to.deep.equal(['--force', '--help\tShow help'])
        writeFileSync(path.join(dataDir, 'package.json'), JSON.stringify({oclif: {plugins: [], schema: 1}, private: true}))
        expect(await bash('llamactl de')).to.deep.equal([])
      } finally {
        rmSync(dataDir, {force: true, recursive: true})
      }
    })
  })

  describe('profile names and environment URLs from the config file', () => {
    it('bash: every profile of the current environment, escaped so the line reads back as the name', async () => {
      const replies = await bash('llamactl auth use ')
      expect(replies).to.have.length(PROFILES.length)
      const words = await Promise.all(replies.map((reply) => bashWords(reply)))
      expect(words.map((w) => w[0])).to.have.members(PROFILES)
      expect(await bash('llamactl auth switch my')).to.deep.equal(['my\\ profile'])
      expect(await bash('llamactl auth logout Z')).to.deep.equal(['Zoë'])
      expect(await bash('llamactl auth status --profile al')).to.deep.equal(['alice'])
    })

    it('bash: inside an open quote, the rest of the name escaped for that quote', async () => {
      const [double] = await bash('llamactl auth use "it')
      expect(await bashWords(`"${double}"`)).to.deep.equal([`it's "quoted"`])
      const [single] = await bash(`llamactl auth use 'it`)
      expect(await bashWords(`'${single}'`)).to.deep.equal([`it's "quoted"`])
    })

    it("bash: URLs with ports complete after the last ':' (COMP_WORDBREAKS), and --flag=value after the '='", async () => {
      // readline replaces what follows the last ':', so that is what comes back.
      expect(await bash('llamactl auth env switch http:')).to.have.members([cp.url.slice('http:'.length), '//localhost:8080'])
      expect(await bash('llamactl auth env switch http://localhost:')).to.deep.equal(['8080'])
      expect(await bash('llamactl auth env delete https://staging.example.com:')).to.deep.equal(['8443'])
      expect(await bash('llamactl auth status --profile=my')).to.deep.equal(['my\\ profile'])
    })

    it('zsh and fish: the names as they are (the shell quotes what it inserts)', async () => {
      expect(await zsh(['auth', 'use', ''])).to.have.members(PROFILES)
      expect(await zsh(['auth', 'env', 'switch', 'https://staging'])).to.deep.equal(['https://staging.example.com:8443'])
      const fished = (await fish('llamactl auth use ')).map((line) => line.split('\t')[0])
      expect(fished).to.have.members(PROFILES)
      expect(await fish("llamactl auth use 'my")).to.deep.equal(['my profile\tapi-key'])
      expect((await fish('llamactl auth env switch http://localhost:')).map((line) => line.split('\t')[0])).to.deep.equal(['http://localhost:8080'])
    })

    it('PowerShell: its script registers a native completer that calls the same completer, which answers in its mode', async () => {
      const script = readFileSync(scripts.powershell, 'utf8')
      expect(script).to.include("Register-ArgumentCompleter -Native -CommandName 'llamactl'")
      expect(script).to.include(`'${COMPLETER}'`)
      expect(script).to.include(' powershell -- ":$wordToComplete" @words')
      const result = await run(process.execPath, [COMPLETER, ROOT, 'powershell', '--', ':my', 'auth', 'use'], env)
      // The text to insert (quoted for PowerShell), the value to list, the description.
      expect(result.stdout).to.equal("'my profile'\tmy profile\tapi-key\n")
    })

    it('with no config dir at all: the built-in environment, no profiles, and nothing is created', async () => {
      const none = {...env, LLAMACTL_CONFIG_DIR: path.join(tmp, 'no-such-dir')}
      expect(await bash('llamactl auth env switch ', none)).to.deep.equal(['https://api.cloud.llamaindex.ai'])
      expect(await bash('llamactl auth use ', none)).to.deep.equal([])
      expect(existsSync(path.join(tmp, 'no-such-dir'))).to.equal(false)
    })

    it('with a corrupt config: no names, nothing on stderr, the file untouched; commands still complete', async () => {
      const file = path.join(configDir, 'config.json')
      for (const text of ['{"schemaVersion": 1, "profiles": [', '{"schemaVersion": 9, "environments": [], "profiles": [], "currentEnvironment": "x"}', '[]']) {
        writeFileSync(file, text)
        const result = await run(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth use ', ''], env)
        expect(result).to.include({code: 0, stderr: '', stdout: ''})
        expect(readFileSync(file, 'utf8')).to.equal(text)
      }

      expect(await bash('llamactl auth u')).to.deep.equal(['use'])
    })
  })

  describe('project ids from the server', () => {
    it("the current profile's projects, read once with its key and then from the cache, which holds no secret", async () => {
      const before = cp.calls('list-projects').length
      expect(await bash('llamactl auth project ')).to.have.members(['p1', 'p2'])
      expect(await fish('llamactl auth status --project-id ')).to.have.members(['p1\tDemo', 'p2'])
      expect(cp.calls('list-projects').length - before).to.equal(1)
      expect(cp.calls('list-projects').at(-1)?.authorization).to.equal(`Bearer ${key}`)
      const cache = readFileSync(path.join(tmp, 'cache', 'llamactl', 'completion-cache.json'), 'utf8')
      expect(cache).to.include('p1').and.not.include(key)
    })

    it('--profile on the line decides whose projects; a profile without a stored key completes nothing', async () => {
      const before = cp.calls('list-projects').length
      expect(await bash('llamactl auth project --profile bob ')).to.deep.equal([])
      expect(cp.calls('list-projects').length).to.equal(before)
    })

    it('a key in the real OS keychain (no LLAMACTL_SECRET_STORE): read for the profile on the line and sent as the bearer', async function () {
      if (!(await keychainAvailable())) this.skip()
      const kcKey = cp.addKey()
      const id = `kc-${process.pid}-${Date.now()}`
      await keytar().setPassword('llamactl', `profile:${id}`, JSON.stringify({apiKey: kcKey}))
      try {
        writeConfig(cp.url, [{apiUrl: cp.url, authType: 'api-key', id, name: 'keychained', projectId: null}])
        const keychainEnv = {...env, LLAMACTL_SECRET_STORE: undefined}
        delete keychainEnv.LLAMACTL_SECRET_STORE
        expect(await bash('llamactl auth project --profile keychained ', keychainEnv)).to.have.members(['p1', 'p2'])
        expect(cp.calls('list-projects').at(-1)?.authorization).to.equal(`Bearer ${kcKey}`)
      } finally {
        await keytar().deletePassword('llamactl', `profile:${id}`)
      }
    })

    it('a server that never answers: nothing, within the 2 s bound, nothing on stderr', async () => {
      cp.fail({fault: {kind: 'hang'}, path: 'list-projects', times: 1})
      const result = await run(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth project ', ''], env)
      expect(result).to.include({code: 0, stderr: '', stdout: ''})
      expect(result.ms).to.be.below(4000)
    })

    it('an unreachable server, and one that answers 500: nothing, nothing on stderr', async () => {
      const closed = http.createServer()
      await listenOnLoopback(closed)
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
      await closeServer(closed, trackSockets(closed))
      writeConfig(deadUrl, [{apiUrl: deadUrl, authType: 'none', id: 'dead', name: 'dead', projectId: null}])
      const config = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8'))
      config.environments.push({apiUrl: deadUrl, currentProfile: 'dead', minLlamactlVersion: null, requiresAuth: false})
      writeFileSync(path.join(configDir, 'config.json'), JSON.stringify(config))
      let result = await run(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth project ', ''], env)
      expect(result).to.include({code: 0, stderr: '', stdout: ''})
      writeConfig(cp.url)
      cp.fail({fault: {kind: 'status', status: 500}, path: 'list-projects', times: 1})
      result = await run(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth project ', ''], env)
      expect(result).to.include({code: 0, stderr: '', stdout: ''})
    })
  })

  describe('a CLI with the 0.10 commands (its own manifest): organization ids and projects of an organization', () => {
    let root: string
    let server: http.Server
    let seen: string[]
    before(async () => {
      // A host whose manifest declares `projects use [PROJECT_ID] --org` and `--org` elsewhere: the
      // completer knows them by id and flag name, whatever CLI it runs in.
      root = path.join(tmp, 'host-010')
      mkdirSync(root, {recursive: true})
      writeFileSync(path.join(root, 'package.json'), JSON.stringify({name: 'host-010', oclif: {bin: 'llamactl', dirname: 'llamactl'}, version: '1.0.0'}))
      const org = {name: 'org', type: 'option'}
      writeFileSync(
        path.join(root, 'oclif.manifest.json'),
        JSON.stringify({
          commands: {
            'organizations:get': {aliases: [], args: {}, flags: {}, id: 'organizations:get'},
            'projects:use': {aliases: [], args: {project_id: {name: 'project_id'}}, flags: {org}, id: 'projects:use'},
          },
          version: '1.0.0',
        }),
      )
      seen = []
      server = http.createServer((req, res) => {
        seen.push(`${req.url} ${req.headers.authorization ?? ''}`)
        res.setHeader('content-type', 'application/json')
        if (req.url === '/api/v1beta1/deployments/organizations')
          res.end(
            JSON.stringify({
              organizations: [
                {is_default: true, org_id: 'o-1', org_name: 'Main'},
                {is_default: false, org_id: 'o 2', org_name: 'Side\u001B[31m'},
              ],
            }),
          )
        else if (req.url?.startsWith('/api/v1beta1/deployments/list-projects?org_id=o-1'))
          res.end(JSON.stringify({projects: [{deployment_count: 0, project_id: 'in-o1', project_name: null}]}))
        else res.end(JSON.stringify({projects: []}))
      })
      await listenOnLoopback(server)
    })
    after(() => closeServer(server, trackSockets(server)))

    it('--org completes organization ids, and projects use --org O completes that organization’s projects', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const orgEnv = {...env, LLAMA_AGENTS_PROJECT_ID: 'p', LLAMA_CLOUD_API_KEY: 'llx-from-env', LLAMA_CLOUD_BASE_URL: url}
      const complete = (...words: string[]) => run(process.execPath, [COMPLETER, root, 'fish', '--', ...words], orgEnv)
      expect((await complete('projects', 'use', '--org', '')).stdout).to.equal('o-1\tMain\no 2\tSide\\u001b[31m\n')
      expect((await complete('projects', 'use', '--org', 'o-1', '')).stdout).to.equal('in-o1\n')
      expect(seen).to.deep.equal([
        '/api/v1beta1/deployments/organizations Bearer llx-from-env',
        '/api/v1beta1/deployments/list-projects?org_id=o-1 Bearer llx-from-env',
      ])
    })

    it('the LLAMA_* variables count as the CLI reads them: lower-case names, a base URL with a trailing /, and LLAMA_CLOUD_USE_PROFILE=on', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const lower = {...env, llama_agents_project_id: 'p', llama_cloud_api_key: 'llx-lower-case', llama_cloud_base_url: `${url}/`}
      seen = []
      const complete = (extra: NodeJS.ProcessEnv) =>
        run(process.execPath, [COMPLETER, root, 'fish', '--', 'projects', 'use', '--org', ''], {...lower, ...extra})
      expect((await complete({})).stdout).to.equal('o-1\tMain\no 2\tSide\\u001b[31m\n')
      expect(seen).to.deep.equal(['/api/v1beta1/deployments/organizations Bearer llx-lower-case'])
      // With the profile asked for (and none current here), or a boolean the CLI refuses: no request, nothing completed.
      for (const useProfile of ['on', 'maybe']) {
        seen = []
        expect((await complete({LLAMA_CLOUD_USE_PROFILE: useProfile})).stdout, useProfile).to.equal('')
        expect(seen, useProfile).to.deep.equal([])
      }
    })
  })

  it('bash through readline in a real terminal: a name with a space and a URL with a port are inserted whole', async function () {
    // readline decides what the answers replace; COMP_* alone can't show that. python3's pty runs an interactive bash.
    const driver = `
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
def read(seconds):
    out = b''; end = time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try: out += os.read(fd, 4096)
            except OSError: break
    return out
os.write(fd, b"PS1='$ '; source " + sys.argv[1].encode() + b"\\n"); read(1)
for line in sys.argv[2:]:
    os.write(fd, line.encode() + b'\\t'); read(3)
    os.write(fd, b'\\x01printf "[%s]\\\\n" \\n'); sys.stdout.write(read(1.5).decode(errors='replace'))
os.write(fd, b'exit\\n'); read(0.5)
`
    const result = await run('python3', ['-c', driver, scripts.bash, 'llamactl auth use my', 'llamactl auth env switch http://localhost:80'], env, 30_000)
    const printed = [...result.stdout.matchAll(/^\[(.*)\]\r?$/gm)].map((m) => m[1])
    expect(printed).to.include.members(['llamactl', 'auth', 'use', 'my profile', 'switch', 'http://localhost:8080'])
  })

  it('zsh through zle in a real terminal (zpty): names with a space, quotes and non-ASCII, and a URL with a port, inserted whole', async () => {
    const driver = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'bindkey -e; PS1="> "; autoload -Uz compinit; compinit -u -D; source '\${(q)1}
sleep 1
for line in "\${@[2,-1]}"; do
  zpty -w -n z "$line"$'\\t'
  sleep 2.5
  zpty -w z $'\\x01printf "[%s]" \\x05; echo'
  sleep 1
done
zpty -w z exit
sleep 0.3
while zpty -r -t z out; do print -rn -- "$out"; done
zpty -d z`
    const lines = ['llamactl auth use my', 'llamactl auth use it', "llamactl auth use 'Z", 'llamactl auth env switch http://localhost:']
    const result = await run('zsh', ['-f', '-c', driver, 'drive', scripts.zsh, ...lines], env, 40_000)
    const printed = [...result.stdout.matchAll(/^(\[.*\])\r?$/gm)].map((m) => m[1])
    expect(printed).to.deep.equal([
      '[llamactl][auth][use][my profile]',
      `[llamactl][auth][use][it's "quoted"]`,
      '[llamactl][auth][use][Zoë]',
      '[llamactl][auth][env][switch][http://localhost:8080]',
    ])
  })

  it('the completer answers when called through a symlink (a linked plugin, a symlinked install dir)', async () => {
    const link = path.join(tmp, 'linked-complete.js')
    symlinkSync(COMPLETER, link)
    const result = await run(process.execPath, [link, ROOT, 'bash', 'llamactl auth u', ''], env)
    expect(result).to.include({code: 0, stderr: '', stdout: 'use\n'})
  })

  it('a TAB loads one file of the plugin, the completer, as CommonJS: no ES module of its own, no package (scripts/bundle.mjs)', async () => {
    const required = path.join(tmp, 'required.log')
    const imported = path.join(tmp, 'imported.log')
    const cjs = path.join(tmp, 'record-require.cjs')
    // CommonJS loads: what require.cache holds at exit. ES module loads: the recorder's resolve hook.
    writeFileSync(cjs, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(required)}, Object.keys(require.cache).join('\\n')))\n`)
    writeFileSync(imported, '')
    const recorder = path.join(ROOT, 'test', 'support', 'import-recorder.mjs')
    // A TAB after the command tree was written (by `completion install`, a plugins hook or an earlier TAB).
    await run(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth ', ''], env)
    const result = await run(process.execPath, ['-r', cjs, '--import', recorder, COMPLETER, ROOT, 'bash', 'llamactl auth use ', ''], {
      ...env,
      LLAMACTL_TEST_IMPORT_LOG: imported,
    })
    expect(result).to.include({code: 0, stderr: ''})
    expect(result.stdout.split('\n')).to.include('alice')
    expect(readFileSync(required, 'utf8').split('\n')).to.deep.equal([cjs, COMPLETER])
    // --import makes Node hand even a CommonJS main to its ES module loader: the completer itself shows there.
    const files = readFileSync(imported, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
    expect(files).to.deep.equal([pathToFileURL(COMPLETER).href])
  })

  it('answers through stdout only: the completer writes nothing else, spawned as the shell spawns it', async () => {
    const child = spawn(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth use ', ''], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const code = await new Promise((resolve) => {
      child.on('close', resolve)
    })
    expect({code, stderr}).to.deep.equal({code: 0, stderr: ''})
  })
})
