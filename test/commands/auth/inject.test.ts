import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {otherUsersFile} from '../../support/other-user.js'
import {writesDotenvInTheWorkingDirectory} from './inject.cases.js'

describe('auth inject', () => {
  let f: Fixture
  let work: string

  beforeEach(async () => {
    f = await setUp({inProcess: true})
    await f.addApiKeyProfile({name: 'inject-ci', projectId: 'p1'})
    work = path.join(f.dir, 'work')
    mkdirSync(work)
  })
  afterEach(() => f.cleanup())

  it('writes .env in the working directory, 0600, and says which names it wrote, never the values', () => writesDotenvInTheWorkingDirectory(f))

  it('--json: the absolute path and the names', async () => {
    const result = ok(await f.run(['auth', 'inject', '-f', 'deploy.env', '--json'], {cwd: work}))
    expect(json(result)).to.deep.equal({
      envFile: path.join(work, 'deploy.env'),
      variables: ['LLAMA_CLOUD_API_KEY', 'LLAMA_AGENTS_PROJECT_ID', 'LLAMA_CLOUD_BASE_URL'],
    })
    expect(result.stdout + result.stderr).to.not.include(f.key)
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

  it('an existing file others can read: refused with one line, nothing written; --allow-shared-file writes it, keeps its mode, and warns', async () => {
    const file = path.join(work, '.env')
    writeFileSync(file, 'X=1\n')
    chmodSync(file, 0o644)
    const refused = await f.run(['auth', 'inject', '--env-file', file])
    fails(
      refused,
      1,
      new RegExp(`^Error: ${file.replaceAll('.', '\\.')} can be read by other users \\(mode 0644\\), so llamactl won't write the API key into it\\. `),
    )
    expect(readFileSync(file, 'utf8')).to.equal('X=1\n')
    const result = ok(await f.run(['auth', 'inject', '--env-file', file, '--allow-shared-file']))
    expect(statSync(file).mode & 0o777).to.equal(0o644)
    expect(readFileSync(file, 'utf8')).to.include(`LLAMA_CLOUD_API_KEY=${f.key}\n`)
    expect(result.stderr.split('\n')[0]).to.equal(`Warning: ${file} can be read by other users (mode 0644) and now holds an API key (--allow-shared-file)`)
  })

  it('.env a symbolic link to a 0666 file of another user in a 0777 directory: refused with one line naming that file, which stays as it was', async function () {
    // As root, the other user is nobody (chown); without root no such file can be made.
    if (process.getuid?.() !== 0) this.skip()
    const target = otherUsersFile(f.dir)
    symlinkSync(target, path.join(work, '.env'))
    const result = await f.run(['auth', 'inject'], {cwd: work})
    fails(
      result,
      1,
      new RegExp(
        `^Error: ${target.replaceAll('.', '\\.')} \\(where ${path.join(work, '.env').replaceAll('.', '\\.')} leads\\) belongs to another user \\(uid 65534\\)`,
      ),
    )
    expect(readFileSync(target, 'utf8')).to.equal('THEIRS=1\n')
    expect(statSync(target).mode & 0o777).to.equal(0o666)
    expect(readdirSync(path.dirname(target))).to.deep.equal(['victim.env'])
    expect(result.stderr).to.not.include(f.key)
  })

  it("a project id that would run a command when sourced (p'`touch x`'): refused with one line, the file untouched; others are written so that bash, sh and zsh take them literally", async function () {
    this.timeout(30_000)
    const file = path.join(work, '.env')
    writeFileSync(file, 'X=1\n', {mode: 0o600})
    const refused = await f.run(['auth', 'inject', '--project-id', "p'`touch x`'"], {cwd: work})
    fails(refused, 1, /^Error: The value of LLAMA_AGENTS_PROJECT_ID can't be written to a dotenv file so that shells take it literally/)
    expect(readFileSync(file, 'utf8')).to.equal('X=1\n')
    for (const projectId of ["p'x; touch x", 'p $(touch x) `touch x`', 'p"; touch x; "']) {
      ok(await f.run(['auth', 'inject', '--project-id', projectId], {cwd: work}))
      for (const shell of ['bash', 'sh', 'zsh']) {
        const out = execFileSync(shell, ['-c', 'set -a; . ./.env; printf %s "$LLAMA_AGENTS_PROJECT_ID"'], {cwd: work, encoding: 'utf8', timeout: 10_000})
        expect(out, `${shell}: ${projectId}`).to.equal(projectId)
      }
    }

    expect(existsSync(path.join(work, 'x')), 'a command ran').to.equal(false)
  })

  it('a --project-id with a control character or over 200 characters: a usage error (exit 2), nothing written', async () => {
    for (const projectId of ['p\u001b[31mred', 'p\nLLAMA_CLOUD_API_KEY=x', 'p'.repeat(201), '']) {
      const result = await f.run(['auth', 'inject', '--project-id', projectId], {cwd: work})
      fails(result, 2, /^Error: Parsing --project-id; it is not a project id \(1 to 200 printable characters\)/)
    }

    expect(readdirSync(work)).to.deep.equal([])
  })

  // The profile is named for this file: the override warning is said once per process, and the
  // unit lane runs other files' commands in this process.
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
    expect(result.stderr).to.match(/^Warning: Using LLAMA_CLOUD_API_KEY from the environment \(overriding profile 'inject-ci'\)/)
  })

  it('a key-less profile writes no key line, and removes the one the file had', async () => {
    const open = await setUp({inProcess: true, requiresAuth: false})
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
    ok(await f.run(['auth', 'logout', 'inject-ci']))
    fails(await f.run(['auth', 'inject'], {cwd: work}), 1, /^Error: No credentials: .*`llamactl auth login`.*LLAMA_AGENTS_PROJECT_ID$/)
    expect(existsSync(path.join(work, '.env'))).to.equal(false)
  })
})
