import {expect} from 'chai'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'

describe('auth inject', () => {
  let f: Fixture
  let work: string

  beforeEach(async () => {
    f = await setUp()
    await f.addApiKeyProfile({name: 'ci', projectId: 'p1'})
    work = path.join(f.dir, 'work')
    mkdirSync(work)
  })
  afterEach(() => f.cleanup())

  it('writes .env in the working directory, 0600, and says which names it wrote, never the values', async () => {
    const result = ok(await f.run(['auth', 'inject'], {cwd: work}))
    const file = path.join(work, '.env')
    expect(readFileSync(file, 'utf8')).to.equal(`LLAMA_CLOUD_API_KEY=${f.key}\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=${f.server.url}\n`)
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    expect(result.stderr).to.equal(`Wrote LLAMA_CLOUD_API_KEY, LLAMA_AGENTS_PROJECT_ID and LLAMA_CLOUD_BASE_URL (profile ci) to ${file}.\n`)
    expect(result.stdout + result.stderr).to.not.include(f.key)
    // The one request is the fixture's probe of the environment, made before the command ran.
    expect(
      f.server.requests.map((r) => r.path),
      'no network call',
    ).to.deep.equal(['/api/v1beta1/deployments-public/version'])
  })

  it('--json: the absolute path and the names', async () => {
    const result = ok(await f.run(['auth', 'inject', '-f', 'deploy.env', '--json'], {cwd: work}))
    expect(json(result)).to.deep.equal({
      envFile: path.join(work, 'deploy.env'),
      variables: ['LLAMA_CLOUD_API_KEY', 'LLAMA_AGENTS_PROJECT_ID', 'LLAMA_CLOUD_BASE_URL'],
    })
    expect(result.stdout + result.stderr).to.not.include(f.key)
  })

  it('-f and --file create a new file; --env-file names an existing one (node rejects --env-file naming a missing file before llamactl starts)', async () => {
    ok(await f.run(['auth', 'inject', '--file', 'a.env'], {cwd: work}))
    ok(await f.run(['auth', 'inject', '--env-file', 'a.env', '--project-id', 'p2'], {cwd: work}))
    expect(readFileSync(path.join(work, 'a.env'), 'utf8')).to.include('LLAMA_AGENTS_PROJECT_ID=p2\n')
    // Node 20 to 26 at least: exit 9 from node itself. Should a node stop doing that, the file is simply created.
    const missing = await f.run(['auth', 'inject', '--env-file', 'b.env'], {cwd: work})
    if (missing.code === 9) expect(missing.stderr).to.match(/^\S*node: b\.env: not found\n$/)
    else expect(ok(missing) && readFileSync(path.join(work, 'b.env'), 'utf8')).to.include('LLAMA_CLOUD_API_KEY=')
  })

  it('into a file with comments, export lines, quoted values, CRLF and no final newline: only the three lines change, everything else byte for byte', async () => {
    const file = path.join(work, '.env')
    const before = '# app\r\n\r\nexport LLAMA_CLOUD_API_KEY="llx-old"\r\nNAME=\'two words\' # kept\r\nLLAMA_AGENTS_PROJECT_ID=old\r\nTAIL=1'
    writeFileSync(file, before, {mode: 0o600})
    ok(await f.run(['auth', 'inject', '--env-file', file, '--project', 'p2']))
    expect(readFileSync(file, 'utf8')).to.equal(
      `# app\r\n\r\nexport LLAMA_CLOUD_API_KEY=${f.key}\r\nNAME='two words' # kept\r\nLLAMA_AGENTS_PROJECT_ID=p2\r\nTAIL=1\r\nLLAMA_CLOUD_BASE_URL=${f.server.url}\r\n`,
    )
    expect(readdirSync(work)).to.deep.equal(['.env'])
  })

  it('an existing file others can read keeps its mode, with a warning', async () => {
    const file = path.join(work, '.env')
    writeFileSync(file, 'X=1\n')
    chmodSync(file, 0o644)
    const result = ok(await f.run(['auth', 'inject', '--env-file', file]))
    expect(statSync(file).mode & 0o777).to.equal(0o644)
    expect(result.stderr.split('\n')[0]).to.equal(
      `Warning: ${file} can be read by other users (mode 0644) and now holds an API key. Make it private: chmod 600 ${file}`,
    )
  })

  it('with the variables, writes those (after the override warning)', async () => {
    const other = f.server.addKey()
    const result = ok(
      await f.run(['auth', 'inject', '--json'], {
        cwd: work,
        env: {LLAMA_AGENTS_PROJECT_ID: 'p9', LLAMA_CLOUD_API_KEY: other, LLAMA_CLOUD_BASE_URL: 'https://x.example.com/'},
      }),
    )
    expect(readFileSync(path.join(work, '.env'), 'utf8')).to.equal(
      `LLAMA_CLOUD_API_KEY=${other}\nLLAMA_AGENTS_PROJECT_ID=p9\nLLAMA_CLOUD_BASE_URL=https://x.example.com\n`,
    )
    expect(result.stderr).to.match(/^Warning: Using LLAMA_CLOUD_API_KEY from the environment \(overriding profile 'ci'\)/)
  })

  it('a key-less profile writes no key line, and removes the one the file had', async () => {
    const open = await setUp({requiresAuth: false})
    try {
      ok(await open.run(['auth', 'project', 'p3']))
      const file = path.join(open.dir, '.env')
      writeFileSync(file, 'LLAMA_CLOUD_API_KEY=llx-stale\nKEEP=1\n')
      const result = ok(await open.run(['auth', 'inject', '--env-file', file, '--json']))
      expect(readFileSync(file, 'utf8')).to.equal(`KEEP=1\nLLAMA_AGENTS_PROJECT_ID=p3\nLLAMA_CLOUD_BASE_URL=${open.server.url}\n`)
      expect(json(result).variables).to.deep.equal(['LLAMA_AGENTS_PROJECT_ID', 'LLAMA_CLOUD_BASE_URL'])
    } finally {
      await open.cleanup()
    }
  })

  it('no credentials: exit 1 with the one line, and no file is created', async () => {
    ok(await f.run(['auth', 'logout', 'ci']))
    fails(await f.run(['auth', 'inject'], {cwd: work}), 1, /^Error: No credentials: .*`llamactl auth login`.*LLAMA_AGENTS_PROJECT_ID$/)
    expect(existsSync(path.join(work, '.env'))).to.equal(false)
  })
})
