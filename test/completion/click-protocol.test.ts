import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {clickLines, clickRequest} from '../../src/completion/click-protocol.js'
import {complete} from '../../src/completion/complete.js'
import {ROOT} from '../support/cli.js'

// The variables click 8.5's scripts set (shell_completion.py), as the Python llamactl's installed scripts send them.
describe("click's completion protocol, read and answered as click's scripts expect (in process)", () => {
  it('bash and zsh: COMP_WORDS split as shlex does (an open quote taken as closed), COMP_CWORD the index of the current word', () => {
    expect(clickRequest('bash_complete', {COMP_CWORD: '3', COMP_WORDS: 'llamactl\nauth\nuse\n'})).to.deep.equal({
      args: ['auth', 'use'],
      incomplete: '',
      shell: 'bash',
    })
    expect(clickRequest('zsh_complete', {COMP_CWORD: '3', COMP_WORDS: `llamactl auth use 'my pro`})).to.deep.equal({
      args: ['auth', 'use'],
      incomplete: 'my pro',
      shell: 'zsh',
    })
    expect(clickRequest('zsh_complete', {COMP_CWORD: '2', COMP_WORDS: 'llamactl auth us'})).to.deep.equal({args: ['auth'], incomplete: 'us', shell: 'zsh'})
  })

  it('fish: COMP_WORDS is the line, COMP_CWORD the current token, which is not an argument too', () => {
    expect(clickRequest('fish_complete', {COMP_CWORD: 'al', COMP_WORDS: 'llamactl auth use al'})).to.deep.equal({
      args: ['auth', 'use'],
      incomplete: 'al',
      shell: 'fish',
    })
    expect(clickRequest('fish_complete', {COMP_CWORD: '', COMP_WORDS: 'llamactl auth use '})).to.deep.equal({
      args: ['auth', 'use'],
      incomplete: '',
      shell: 'fish',
    })
  })

  it('source instructions; anything click would refuse (another shell, another action, no COMP_CWORD) is nothing', () => {
    expect(clickRequest('zsh_source', {})).to.deep.equal({source: 'zsh'})
    for (const instruction of ['tcsh_complete', 'bash_run', 'bash', 'source_bash'])
      expect(clickRequest(instruction, {COMP_CWORD: '1', COMP_WORDS: 'llamactl '})).to.equal(undefined)
    expect(clickRequest('bash_complete', {COMP_WORDS: 'llamactl '})).to.equal(undefined)
  })

  it("each shell's lines: bash `plain,VALUE`; zsh type, value (':' escaped when a help follows), help or `_`; fish `plain,VALUE<TAB>HELP`", () => {
    const candidates = [{description: 'current', value: 'http://h:80'}, {value: 'bob'}]
    expect(clickLines('bash', candidates)).to.deep.equal(['plain,http://h:80', 'plain,bob'])
    expect(clickLines('zsh', candidates)).to.deep.equal(['plain', 'http\\://h\\:80', 'current', 'plain', 'bob', '_'])
    expect(clickLines('fish', candidates)).to.deep.equal(['plain,http://h:80\tcurrent', 'plain,bob'])
  })

  it('-o completes the formats its help names (text, wide, json, yaml), in every protocol', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-click-'))
    try {
      const ctx = {env: {LLAMACTL_CONFIG_DIR: tmp, XDG_DATA_HOME: path.join(tmp, 'd')}, home: tmp, root: ROOT}
      expect((await complete(['projects', 'get', '-o'], '', ctx)).map((c) => c.value)).to.deep.equal(['text', 'wide', 'json', 'yaml'])
      expect((await complete(['auth', 'get'], '--output=y', ctx)).map((c) => c.value)).to.deep.equal(['--output=yaml'])
    } finally {
      rmSync(tmp, {force: true, recursive: true})
    }
  })
})
