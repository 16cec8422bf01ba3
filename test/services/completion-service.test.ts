import {expect} from 'chai'
import {type Dirent, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {completionScript, detectShell, installCompletion, MARKER, planZshrc, type Shell} from '../../src/services/completion-service.js'
import {runInProcess} from '../support/in-process-cli.js'

const TARGET = {bin: 'llamactl', completer: '/opt/llama ctl/complete.js', node: '/usr/bin/node', root: "/opt/it's"}

/** Every file under a dir with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (sub: string) => {
    for (const entry of readdirSafe(sub)) {
      const full = path.join(sub, entry.name)
      if (entry.isDirectory()) walk(full)
      else files[path.relative(dir, full)] = readFileSync(full, 'utf8')
    }
  }

  walk(dir)
  return files
}

function readdirSafe(dir: string): Dirent[] {
  try {
    return readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }
}

describe('completion service: scripts and their installation (temp HOME)', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-install-'))
  })
  afterEach(() => rmSync(home, {force: true, recursive: true}))

  const install = (shell: Shell, dryRun = false) => installCompletion(shell, completionScript(shell, TARGET), {dryRun, env: {}, home, platform: 'linux'})

  it('each script calls the completer with paths quoted for its shell', () => {
    expect(completionScript('bash', TARGET)).to.include(`'/opt/llama ctl/complete.js' '/opt/it'\\''s' bash "$line"`)
    expect(completionScript('zsh', TARGET)).to.match(/^#compdef llamactl\n/)
    expect(completionScript('fish', TARGET)).to.include(`'/opt/llama ctl/complete.js' '/opt/it\\'s' fish --`)
    expect(completionScript('powershell', TARGET)).to.include(`& '/usr/bin/node' '/opt/llama ctl/complete.js' '/opt/it''s' powershell --`)
  })

  it('the shell comes from $SHELL; none when it names another shell', () => {
    expect(detectShell({SHELL: '/usr/bin/zsh'})).to.equal('zsh')
    expect(detectShell({SHELL: '/usr/local/bin/fish'})).to.equal('fish')
    expect(detectShell({SHELL: '/usr/bin/pwsh'})).to.equal('powershell')
    expect(detectShell({SHELL: '/bin/sh'})).to.equal(undefined)
    expect(detectShell({}, 'win32')).to.equal('powershell')
  })

  for (const shell of ['bash', 'zsh', 'fish', 'powershell'] as const)
    it(`${shell}: installs, a second run changes nothing, and --dry-run writes nothing`, async () => {
      const planned = await install(shell, true)
      expect(planned.every((c) => c.changed)).to.equal(true)
      expect(snapshot(home)).to.deep.equal({})

      const first = await install(shell)
      expect(first.map((c) => c.file)).to.deep.equal(planned.map((c) => c.file))
      const after = snapshot(home)
      expect(Object.keys(after)).to.have.length(first.length)

      const second = await install(shell)
      expect(second.map((c) => c.changed)).to.deep.equal(second.map(() => false))
      expect(snapshot(home)).to.deep.equal(after)
    })

  it('bash: the script in ~/.bash_completion.d and one source line in ~/.bashrc, after what was there', async () => {
    writeFileSync(path.join(home, '.bashrc'), 'alias ll="ls -l"')
    await install('bash')
    await install('bash')
    const file = path.join(home, '.bash_completion.d', 'llamactl')
    expect(readFileSync(file, 'utf8')).to.equal(completionScript('bash', TARGET))
    expect(readFileSync(path.join(home, '.bashrc'), 'utf8')).to.equal(`alias ll="ls -l"\n\nsource ${file}  ${MARKER}\n`)
  })

  it("bash: bash-completion's user dir when it exists", async () => {
    const dir = path.join(home, '.local', 'share', 'bash-completion', 'completions')
    mkdirSync(dir, {recursive: true})
    const changes = await install('bash')
    expect(changes[0].file).to.equal(path.join(dir, 'llamactl'))
  })

  it('zsh: ~/.zfunc on fpath before an existing compinit, none added; the Python llamactl block is recognised', () => {
    const plan = planZshrc('export A=1\nautoload -Uz compinit && compinit\n')
    expect(plan.content).to.equal(
      `export A=1\n# >>> llamactl completion >>>\nfpath=(~/.zfunc $fpath)  ${MARKER}\n# <<< llamactl completion <<<\nautoload -Uz compinit && compinit\n`,
    )
    expect(planZshrc(plan.content)).to.deep.equal({actions: [], content: plan.content})
    expect(planZshrc('')).to.deep.equal({
      actions: ['put ~/.zfunc on fpath before compinit', 'add compinit (none was configured)'],
      content: `# >>> llamactl completion >>>\nfpath=(~/.zfunc $fpath)  ${MARKER}\n# <<< llamactl completion <<<\nautoload -Uz compinit && compinit  ${MARKER}\n`,
    })
  })

  it('the installed zsh function loads in a real zsh through fpath and compinit', async () => {
    await install('zsh')
    const {execFileSync} = await import('node:child_process')
    const out = execFileSync('zsh', ['-c', 'source ~/.zshrc; print -r -- ${_comps[llamactl]}'], {encoding: 'utf8', env: {HOME: home, PATH: process.env.PATH}})
    expect(out.trim()).to.equal('_llamactl')
  })

  it('`completion install --dry-run` (the command): each change on stderr, nothing written', async () => {
    const result = await runInProcess(['completion', 'install', '--dry-run'], {env: {HOME: home, SHELL: '/usr/bin/fish', XDG_CONFIG_HOME: undefined}})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.equal(`Would update ${path.join(home, '.config', 'fish', 'completions', 'llamactl.fish')}: the completion script\n`)
    expect(snapshot(home)).to.deep.equal({})
  })
})
