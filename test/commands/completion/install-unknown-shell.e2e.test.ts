import {expect} from 'chai'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {installShell} from '../../../src/services/completion-service.js'
import {runCli} from '../../support/cli.js'

describe('completion install for a shell it does not support: exit 2 naming the shells and --shell, nothing written', function () {
  this.timeout(30_000)
  let home: string
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-unknown-shell-'))
  })
  afterEach(() => rmSync(home, {force: true, recursive: true}))

  for (const shell of ['/bin/tcsh', '/bin/sh'])
    it(`SHELL=${shell}: one usage line, exit 2, the home dir untouched`, async () => {
      const result = await runCli(['completion', 'install'], {env: {HOME: home, SHELL: shell, XDG_CONFIG_HOME: undefined}})
      expect({code: result.code, stderr: result.stderr}).to.deep.equal({
        code: 2,
        stderr: `Error: $SHELL is ${path.basename(shell)}, which names no shell llamactl completes (bash, zsh, fish or PowerShell). Name yours with --shell bash|zsh|fish|powershell\n`,
      })
      expect(readdirSync(home)).to.deep.equal([])
    })

  it('--shell decides whatever $SHELL says; no $SHELL off Windows asks for it too', () => {
    expect(installShell('zsh', {SHELL: '/bin/tcsh'}, 'linux')).to.equal('zsh')
    expect(installShell(undefined, {SHELL: '/usr/bin/fish'}, 'linux')).to.equal('fish')
    expect(() => installShell(undefined, {}, 'linux')).to.throw('$SHELL is not set, so it names no shell llamactl completes')
    expect(installShell(undefined, {}, 'win32')).to.equal('powershell')
  })
})
