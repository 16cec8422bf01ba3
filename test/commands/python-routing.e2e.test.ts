import {expect} from 'chai'

import {runCli, tempConfigDir} from '../support/cli.js'

// bin/run.js routes as the Python llamactl 0.10.3 does where oclif differs (src/route-argv.ts):
// checked here as a process, since the rewrite happens before oclif and the exit code is the point.
describe('bin/run.js: routing as the Python llamactl (process)', () => {
  let temp: ReturnType<typeof tempConfigDir>
  const run = (args: string[]) => runCli(args, {env: {LLAMACTL_CONFIG_DIR: temp.dir, LLAMACTL_SECRET_STORE: 'file'}})

  beforeEach(() => {
    temp = tempConfigDir()
  })
  afterEach(() => temp.cleanup())

  it('`auth --native-tls get -o json` runs auth get (it printed the auth help, exit 0, before)', async () => {
    const result = await run(['auth', '--native-tls', 'get', '-o', 'json'])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.deep.equal([])
  })

  it('`auth --bogus` and `auth --native-tls` alone are one usage line, exit 2, nothing on stdout', async () => {
    for (const args of [
      ['auth', '--bogus'],
      ['auth', '--native-tls'],
    ]) {
      const result = await run(args)
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.match(/^Error: .*See `llamactl auth --help`\n$/)
    }
  })

  it('unique prefixes of the top-level words run the command (`env get`, `conf`); `p` is ambiguous, exit 2', async () => {
    const env = await run(['env', 'get', '-o', 'json'])
    expect(env.code, env.stderr).to.equal(0)
    expect(JSON.parse(env.stdout)).to.have.length(1)
    expect((await run(['conf', '-o', 'json'])).code).to.equal(0)
    const ambiguous = await run(['p'])
    expect(ambiguous.code).to.equal(2)
    expect(ambiguous.stderr).to.equal('Error: "llamactl p" matches more than one command: pkg, projects. See `llamactl --help`\n')
  })
})
