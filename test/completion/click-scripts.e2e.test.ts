import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {RUN_JS} from '../support/cli.js'
import {CLICK_SCRIPTS} from '../support/click-scripts.js'

/** Runs a shell program with a bound; its stdout and stderr. */
function shell(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{stderr: string; stdout: string}> {
  return new Promise((resolve) => {
    execFile(file, args, {encoding: 'utf8', env, killSignal: 'SIGKILL', timeout: 20_000}, (_error, stdout, stderr) => resolve({stderr, stdout}))
  })
}

describe("the Python llamactl's completion scripts (click 8.5's protocol) keep completing with this llamactl on PATH: real bash, zsh and fish", function () {
  this.timeout(60_000)
  let tmp: string
  let env: NodeJS.ProcessEnv
  const script = (name: keyof typeof CLICK_SCRIPTS) => path.join(tmp, `click.${name}`)

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-click-'))
    const configDir = path.join(tmp, 'config')
    const bin = path.join(tmp, 'bin')
    mkdirSync(configDir)
    mkdirSync(bin)
    // What a user who switched has: `llamactl` on PATH is this one.
    symlinkSync(RUN_JS, path.join(bin, 'llamactl'))
    const apiUrl = 'https://api.cloud.llamaindex.ai'
    writeFileSync(
      path.join(configDir, 'config.json'),
      JSON.stringify({
        currentEnvironment: apiUrl,
        environments: [{apiUrl, currentProfile: 'alice', minLlamactlVersion: null, requiresAuth: true}],
        profiles: ['alice', 'bob'].map((name) => ({apiUrl, authType: 'api-key', id: `id-${name}`, name, projectId: null})),
        schemaVersion: 1,
      }),
    )
    for (const name of ['bash', 'zsh', 'fish'] as const) writeFileSync(script(name), CLICK_SCRIPTS[name])
    env = {
      HOME: tmp,
      LLAMACTL_CONFIG_DIR: configDir,
      PATH: [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
    }
    // The first TAB writes the command tree from oclif's Config; the ones below read it.
    await shell(path.join(bin, 'llamactl'), [], {...env, COMP_CWORD: '1', COMP_WORDS: 'llamactl ', _LLAMACTL_COMPLETE: 'bash_complete'})
  })
  after(() => rmSync(tmp, {force: true, recursive: true}))

  /** bash: the script's function as `complete -F` calls it, for COMP_WORDS; COMPREPLY. */
  async function bash(words: string[]): Promise<string[]> {
    const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _llamactl_completion llamactl; printf '%s\\n' "\${COMPREPLY[@]}"`
    const {stderr, stdout} = await shell('bash', ['--norc', '--noprofile', '-c', program, 'drive', script('bash'), ...words], env)
    expect(stderr).to.equal('')
    return stdout.split('\n').filter(Boolean)
  }

  it('bash: subcommands, profile names and -o values', async () => {
    expect(await bash(['llamactl', 'auth', 'u'])).to.deep.equal(['use'])
    expect(await bash(['llamactl', 'auth', 'use', ''])).to.deep.equal(['alice', 'bob'])
    expect(await bash(['llamactl', 'auth', 'get', '-o', ''])).to.deep.equal(['text', 'wide', 'json', 'yaml'])
  })

  it('zsh: the script hands values with their help to _describe and the rest to compadd (both recorded here)', async () => {
    const program = `
compdef() { : }
_describe() { print -rl -- "describe" "\${(@P)3}" }
compadd() { print -rl -- "compadd" "\${(@P)5}" }
source "$1"; shift
words=("$@"); CURRENT=$#
_llamactl_completion`
    const run = (...words: string[]) => shell('zsh', ['-f', '-c', program, 'drive', script('zsh'), ...words], env)
    expect(await run('llamactl', 'auth', 'use', '')).to.deep.equal({stderr: '', stdout: 'describe\nalice:current\nbob:api-key\n'})
    expect((await run('llamactl', 'projects', 'get', '-o', 'j')).stdout).to.equal('compadd\njson\n')
  })

  it('fish: complete -C lists the values with their descriptions', async () => {
    const {stderr, stdout} = await shell('fish', ['--no-config', '-c', `source $argv[1]; complete -C 'llamactl auth use '`, script('fish')], env)
    expect({stderr, stdout}).to.deep.equal({stderr: '', stdout: 'alice\tcurrent\nbob\tapi-key\n'})
  })

  it('`_LLAMACTL_COMPLETE=<shell>_source llamactl` prints our own script, which calls the completer directly', async () => {
    for (const name of ['bash', 'zsh', 'fish'] as const) {
      const {stdout} = await shell(path.join(tmp, 'bin', 'llamactl'), [], {...env, _LLAMACTL_COMPLETE: `${name}_source`})
      expect(stdout, name).to.match(new RegExp(`# llamactl shell completion for ${name}: `))
    }
  })
})
