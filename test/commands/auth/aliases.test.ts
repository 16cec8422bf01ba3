import {expect} from 'chai'

import {fails, Fixture, ok, setUp} from '../../support/fixture.js'
import {envGetAndEnvUseAreUnknown} from './aliases.cases.js'

/**
 * The Python llamactl 0.10 names (llamactl-0.10.md): `auth get`/`auth use` are commands of their
 * own (with 0.10's shapes), `auth env get`/`auth env use` never existed, and `--project` is
 * `--project-id`.
 */
describe('the Python llamactl 0.10 names', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  it('auth env get and auth env use are unknown commands (exit 2, one line); no command has an alias left', () => envGetAndEnvUseAreUnknown(f))

  it('auth --help lists each command once; llamactl --help shows the new topics and config', async () => {
    const rows = ok(await f.run(['auth', '--help']))
      .stdout.split('COMMANDS\n')[1]
      .split('\n')
      .map((line) => /^ {2}(auth \w+)/.exec(line)?.[1])
      .filter(Boolean)
    expect(rows).to.deep.equal([...new Set(rows)])
    expect(rows).to.include.members(['auth get', 'auth list', 'auth use', 'auth switch'])
    const root = ok(await f.run(['--help'])).stdout
    for (const topic of ['auth', 'environments', 'organizations', 'projects']) expect(root).to.match(new RegExp(`^ {2}${topic} +\\S`, 'm'))
    expect(root).to.match(/^ {2}config +Show the current environment, profile and project$/m)
  })

  it('unknown commands of the new topics are one redacted line (exit 2), as under auth', async () => {
    const pasted = 'llx-0123456789abcdef0123456789abcdef'
    const result = await f.run(['projects', pasted])
    fails(result, 2, /^Error: "llamactl projects llx-01\*+cdef" is not a llamactl command/)
    expect(result.stderr + result.stdout).not.to.include(pasted)
    fails(await f.run(['environments', 'gt']), 2, /Did you mean `llamactl environments get`\?/)
  })

  it('--project is --project-id in help', async () => {
    for (const id of ['token', 'login', 'status', 'inject', 'exec'])
      expect(ok(await f.run(['auth', id, '--help'])).stdout, id).to.match(/--project-id=<value>[^\n]*\n?[^\n]*alias:\s+--project\)/)
  })
})
