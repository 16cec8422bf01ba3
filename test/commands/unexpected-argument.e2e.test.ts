import {expect} from 'chai'

import {runCli, tempConfigDir} from '../support/cli.js'

// Commands without arguments no longer set `strict = false`: oclif's router then reads an extra
// word as part of the command id, and the not-found hook must say what parse would have said.
describe('an extra argument to a command without arguments (process)', () => {
  let temp: ReturnType<typeof tempConfigDir>
  const run = (args: string[]) => runCli(args, {env: {LLAMACTL_CONFIG_DIR: temp.dir, LLAMACTL_SECRET_STORE: 'file'}})

  beforeEach(() => {
    temp = tempConfigDir()
  })
  afterEach(() => temp.cleanup())

  it('is "Unexpected argument", exit 2, a pasted key redacted, and the --json error document with --json', async () => {
    const plain = await run(['auth', 'list', 'extra'])
    expect([plain.code, plain.stderr, plain.stdout]).to.deep.equal([2, 'Error: Unexpected argument: extra. See `llamactl auth list --help`\n', ''])
    const key = 'llx-abcdefghijklmnopqrstuvwxyz0123'
    const pasted = await run(['auth', 'status', key, '--json'])
    expect(pasted.code).to.equal(2)
    expect(pasted.stderr + pasted.stdout).not.to.include('abcdefghijklmnop')
    expect(JSON.parse(pasted.stdout)).to.deep.equal({error: {code: 'usage', message: 'Unexpected argument: llx-ab****0123. See `llamactl auth status --help`'}})
  })
})
