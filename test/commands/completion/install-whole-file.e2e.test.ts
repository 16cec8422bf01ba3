import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {RUN_JS} from '../../support/cli.js'

/** Runs `llamactl ARGS` under a file-size limit (bash's `ulimit -f`, in KiB), as a real failed write. */
function underFileLimit(kib: number, args: string[], env: NodeJS.ProcessEnv): Promise<{code: null | number; stderr: string}> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, RUN_JS, ...args],
      {encoding: 'utf8', env, timeout: 30_000},
      (error, _stdout, stderr) => resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, stderr}),
    )
  })
}

describe('completion install when a write fails (ulimit -f): the rc file is left whole', function () {
  this.timeout(60_000)
  let home: string
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-whole-'))
  })
  afterEach(() => rmSync(home, {force: true, recursive: true}))

  it('a 290 KB ~/.zshrc and a 100 KiB limit: exit 1, one line naming the file, the file byte for byte as before, no temp file left', async () => {
    const zshrc = path.join(home, '.zshrc')
    const original = Array.from({length: 6000}, (_, i) => `export VAR_${i}=${'x'.repeat(36)}`).join('\n') + '\n'
    expect(original.length).to.be.greaterThan(290_000)
    writeFileSync(zshrc, original)
    const result = await underFileLimit(100, ['completion', 'install', '--shell', 'zsh'], {HOME: home, PATH: process.env.PATH})
    expect(readFileSync(zshrc, 'utf8').length).to.equal(original.length)
    expect(readFileSync(zshrc, 'utf8') === original).to.equal(true)
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(
      new RegExp(`^Error: Could not write ${zshrc.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.*\\); it was left as it was\\. .*\\n$`),
    )
    expect(readdirSync(home).filter((name) => name.endsWith('.tmp'))).to.deep.equal([])
  })
})
