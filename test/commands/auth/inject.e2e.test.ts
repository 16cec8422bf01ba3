import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {Fixture, ok, setUp} from '../../support/fixture.js'
import {writesDotenvInTheWorkingDirectory} from './inject.cases.js'

describe('auth inject', () => {
  let f: Fixture
  let work: string

  beforeEach(async () => {
    f = await setUp()
    await f.addApiKeyProfile({name: 'inject-ci', projectId: 'p1'})
    work = path.join(f.dir, 'work')
    mkdirSync(work)
  })
  afterEach(() => f.cleanup())

  it('writes .env in the working directory, 0600, and says which names it wrote, never the values', () => writesDotenvInTheWorkingDirectory(f))

  it("--env-file, -f and --file name the file, a missing one included: started through its #! line, node never reads the command's --env-file (exit 0, file created)", async () => {
    ok(await f.run(['auth', 'inject', '--env-file', 'b.env'], {cwd: work, shebang: true}))
    expect(readFileSync(path.join(work, 'b.env'), 'utf8')).to.include(`LLAMA_CLOUD_API_KEY=${f.key}\n`)
    ok(await f.run(['auth', 'inject', '--file', 'a.env'], {cwd: work, shebang: true}))
    ok(await f.run(['auth', 'inject', '-f', 'a.env', '--project-id', 'p2'], {cwd: work, shebang: true}))
    expect(readFileSync(path.join(work, 'a.env'), 'utf8')).to.include('LLAMA_AGENTS_PROJECT_ID=p2\n')
  })

  it('--env-file naming a .env with NODE_OPTIONS=--require ./x.cjs: x.cjs never runs, the file gets the variables', async () => {
    writeFileSync(path.join(work, 'x.cjs'), "require('node:fs').writeFileSync(__dirname + '/ran', 'x.cjs ran')\n")
    writeFileSync(path.join(work, '.env'), 'NODE_OPTIONS=--require ./x.cjs\n', {mode: 0o600})
    ok(await f.run(['auth', 'inject', '--env-file', '.env'], {cwd: work, shebang: true}))
    ok(await f.run(['auth', 'inject', '--env-file=.env'], {cwd: work, shebang: true}))
    expect(existsSync(path.join(work, 'ran')), 'x.cjs ran inside llamactl').to.equal(false)
    expect(readFileSync(path.join(work, '.env'), 'utf8')).to.equal(
      `NODE_OPTIONS=--require ./x.cjs\nLLAMA_CLOUD_API_KEY=${f.key}\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=${f.server.url}\n`,
    )
  })
})
