import {expect} from 'chai'
import {chmodSync, type Dirent, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {completionScript, installCompletion, MARKER, type Shell, SHELLS, uninstallCompletion} from '../../src/services/completion-service.js'

const TARGET = {bin: 'llamactl', completer: '/opt/llamactl/complete.js', node: '/usr/bin/node', root: '/opt/llamactl'}

/** Every file under a dir with its content (links as `-> target`), to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (sub: string) => {
    let entries: Dirent[] = []
    try {
      entries = readdirSync(sub, {withFileTypes: true})
    } catch {
      return
    }

    for (const entry of entries) {
      const full = path.join(sub, entry.name)
      if (entry.isSymbolicLink()) files[path.relative(dir, full)] = `-> ${readFileSync(full, 'utf8').length}`
      else if (entry.isDirectory()) walk(full)
      else files[path.relative(dir, full)] = readFileSync(full, 'utf8')
    }
  }

  walk(dir)
  return files
}

describe('completion install writes rc files whole; completion uninstall removes what it added (temp HOME, real files)', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-uninstall-'))
  })
  afterEach(() => rmSync(home, {force: true, recursive: true}))

  const options = () => ({dryRun: false, env: {}, home, platform: 'linux' as const})
  const install = (shell: Shell) => installCompletion(shell, completionScript(shell, TARGET), options())

  it('each shell: install then uninstall leaves the rc files as they were and no script behind', async () => {
    mkdirSync(path.join(home, '.config', 'powershell'), {recursive: true})
    writeFileSync(path.join(home, '.bashrc'), 'alias ll="ls -l"\n')
    writeFileSync(path.join(home, '.zshrc'), 'export A=1\nautoload -Uz compinit && compinit\nbindkey -e\n')
    writeFileSync(path.join(home, '.config', 'powershell', 'Microsoft.PowerShell_profile.ps1'), 'Set-PSReadLineOption -EditMode Emacs\n')
    const before = snapshot(home)
    for (const shell of SHELLS) await install(shell)
    expect(snapshot(home)).not.to.deep.equal(before)

    const removed = await uninstallCompletion(SHELLS, options())
    expect(removed.map((c) => path.relative(home, c.file))).to.have.members([
      '.bash_completion.d/llamactl',
      '.zfunc/_llamactl',
      '.config/fish/completions/llamactl.fish',
      '.config/powershell/llamactl-completion.ps1',
      '.bashrc',
      '.zshrc',
      '.config/powershell/Microsoft.PowerShell_profile.ps1',
    ])
    expect(snapshot(home)).to.deep.equal(before)
    expect(await uninstallCompletion(SHELLS, options())).to.deep.equal([])
  })

  it("zsh: the compinit line install added goes too; the Python llamactl's block and source lines are recognised", async () => {
    await install('zsh')
    await uninstallCompletion(['zsh'], options())
    expect(readFileSync(path.join(home, '.zshrc'), 'utf8')).to.equal('')

    const python = `export A=1\n\nsource /home/u/.bash_completion.d/llamactl  ${MARKER}\n`
    writeFileSync(path.join(home, '.bashrc'), python)
    mkdirSync(path.join(home, '.bash_completion.d'))
    writeFileSync(path.join(home, '.bash_completion.d', 'llamactl'), '_llamactl_completion() { eval $(env _LLAMACTL_COMPLETE=bash_complete llamactl); }\n')
    await uninstallCompletion(['bash'], options())
    expect(readFileSync(path.join(home, '.bashrc'), 'utf8')).to.equal('export A=1\n')
    expect(snapshot(path.join(home, '.bash_completion.d'))).to.deep.equal({})
  })

  it('a file at a script path that is no llamactl completion script is left alone; --dry-run writes nothing', async () => {
    mkdirSync(path.join(home, '.zfunc'))
    writeFileSync(path.join(home, '.zfunc', '_llamactl'), '#compdef llamactl\n# my own\n')
    expect(await uninstallCompletion(['zsh'], options())).to.deep.equal([])
    await install('bash')
    const before = snapshot(home)
    const planned = await uninstallCompletion(['bash'], {...options(), dryRun: true})
    expect(planned).to.have.length(2)
    expect(snapshot(home)).to.deep.equal(before)
  })

  it("a symlinked rc file stays a link, its target is rewritten whole with the target's mode", async () => {
    mkdirSync(path.join(home, 'dotfiles'))
    const target = path.join(home, 'dotfiles', 'bashrc')
    writeFileSync(target, 'export B=2\n')
    chmodSync(target, 0o640)
    symlinkSync(path.join('dotfiles', 'bashrc'), path.join(home, '.bashrc'))
    await install('bash')
    expect(lstatSync(path.join(home, '.bashrc')).isSymbolicLink()).to.equal(true)
    expect(readFileSync(target, 'utf8')).to.match(new RegExp(`^export B=2\\n\\nsource .*  ${MARKER}\\n$`))
    expect(statSync(target).mode & 0o777).to.equal(0o640)
    await uninstallCompletion(['bash'], options())
    expect(lstatSync(path.join(home, '.bashrc')).isSymbolicLink()).to.equal(true)
    expect(readFileSync(target, 'utf8')).to.equal('export B=2\n')
    expect(statSync(target).mode & 0o777).to.equal(0o640)
  })
})
