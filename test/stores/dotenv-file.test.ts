import {expect} from 'chai'
import dotenv from 'dotenv'
import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {dotenvValue, setDotenvVariables, updateDotenvFile} from '../../src/stores/dotenv-file.js'
import {tempConfigDir} from '../support/cli.js'
import {otherUsersFile} from '../support/other-user.js'

const THREE = [
  ['LLAMA_CLOUD_API_KEY', 'llx-new'],
  ['LLAMA_AGENTS_PROJECT_ID', 'p1'],
  ['LLAMA_CLOUD_BASE_URL', 'https://api.example.com'],
] as const

describe('setDotenvVariables: dotenv text with variables set in place, every other byte kept', () => {
  it('keeps comments, blank lines, other variables, CRLF line ends and a missing final newline; keeps export, spacing and comments on replaced lines', () => {
    const before = [
      '# deploy settings',
      '',
      'export LLAMA_CLOUD_API_KEY="llx-old"  # rotated monthly',
      "OTHER='keep me' # and this",
      'LLAMA_AGENTS_PROJECT_ID = old-project',
      '# LLAMA_CLOUD_BASE_URL=https://commented.out',
      '  INDENTED=yes',
      'LAST=1',
    ].join('\r\n')
    expect(setDotenvVariables(before, THREE)).to.equal(
      [
        '# deploy settings',
        '',
        'export LLAMA_CLOUD_API_KEY=llx-new  # rotated monthly',
        "OTHER='keep me' # and this",
        'LLAMA_AGENTS_PROJECT_ID = p1',
        '# LLAMA_CLOUD_BASE_URL=https://commented.out',
        '  INDENTED=yes',
        'LAST=1',
        'LLAMA_CLOUD_BASE_URL=https://api.example.com',
        '',
      ].join('\r\n'),
    )
  })

  it('a file where everything is present and without a final newline stays without one', () => {
    const before = 'LLAMA_CLOUD_BASE_URL=x\nLLAMA_AGENTS_PROJECT_ID=y\nLLAMA_CLOUD_API_KEY=z'
    expect(setDotenvVariables(before, THREE)).to.equal('LLAMA_CLOUD_BASE_URL=https://api.example.com\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_API_KEY=llx-new')
  })

  it('replaces a quoted value that spans lines whole; a quote that never closes swallows nothing', () => {
    expect(setDotenvVariables('A=1\nLLAMA_CLOUD_API_KEY="first\nsecond \\" still\nend" # c\nB=2\n', [THREE[0]])).to.equal(
      'A=1\nLLAMA_CLOUD_API_KEY=llx-new # c\nB=2\n',
    )
    expect(setDotenvVariables("LLAMA_CLOUD_API_KEY='open\nB=2\n", [THREE[0]])).to.equal('LLAMA_CLOUD_API_KEY=llx-new\nB=2\n')
  })

  it('replaces every assignment of a name, and null removes them all', () => {
    const before = 'LLAMA_CLOUD_API_KEY=a\nX=1\nexport LLAMA_CLOUD_API_KEY=b\n'
    expect(setDotenvVariables(before, [THREE[0]])).to.equal('LLAMA_CLOUD_API_KEY=llx-new\nX=1\nexport LLAMA_CLOUD_API_KEY=llx-new\n')
    expect(setDotenvVariables(before, [['LLAMA_CLOUD_API_KEY', null]])).to.equal('X=1\n')
    expect(setDotenvVariables('X=1\n', [['LLAMA_CLOUD_API_KEY', null]]), 'nothing to remove, nothing appended').to.equal('X=1\n')
  })

  it("quotes values that need it: bare, else single quotes, else double quotes (with a ' and nothing shells expand)", () => {
    expect(
      setDotenvVariables('', [
        ['A', 'has space'],
        ['B', "it's"],
        ['C', 'plain-._:/@%+,1'],
        ['D', ''],
        ['E', '=x~'],
        ['F', 'a $(b) `c` "d"'],
      ]),
    ).to.equal(`A='has space'\nB="it's"\nC=plain-._:/@%+,1\nD=\nE='=x~'\nF='a $(b) \`c\` "d"'\n`)
  })

  it('refuses a value no quoting keeps both inert in shells and exact in dotenv readers, naming the variable and not the value', () => {
    for (const value of ["p'`touch x`'", "p'$(id)", 'p\'"', 'a\\b', '${HOME}', 'a\nb', 'a\rb', 'a\u0000b', 'a\u001bb', 'a\u0085b', 'a\u2028b']) {
      expect(dotenvValue(value), JSON.stringify(value)).to.equal(null)
      let error: CliError | undefined
      try {
        setDotenvVariables('X=1\n', [['LLAMA_AGENTS_PROJECT_ID', value]])
      } catch (error_) {
        error = error_ as CliError
      }

      expect(error?.code, JSON.stringify(value)).to.equal('env_value')
      expect(error?.line).to.match(/^The value of LLAMA_AGENTS_PROJECT_ID can't be written to a dotenv file so that shells take it literally/)
      expect(error?.line).to.not.include(value)
    }
  })

  it('keeps a UTF-8 BOM and bytes that are not UTF-8', () => {
    const before = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('LLAMA_CLOUD_API_KEY=old\nBIN='), Buffer.from([0xff, 0xfe]), Buffer.from('\n')])
    const after = Buffer.from(setDotenvVariables(before.toString('latin1'), [THREE[0]]), 'latin1')
    expect(after).to.deep.equal(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('LLAMA_CLOUD_API_KEY=llx-new\nBIN='), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
    )
  })
})

describe('updateDotenvFile (real files in a temp dir)', () => {
  let tmp: ReturnType<typeof tempConfigDir>
  beforeEach(() => {
    tmp = tempConfigDir()
  })
  afterEach(() => tmp.cleanup())

  const mode = (file: string) => statSync(file).mode & 0o777

  it('creates a new file 0600 and leaves no temp file', async () => {
    const file = path.join(tmp.dir, '.env')
    expect(await updateDotenvFile(file, THREE)).to.deep.equal({created: true, mode: 0o600})
    expect(readFileSync(file, 'utf8')).to.equal('LLAMA_CLOUD_API_KEY=llx-new\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=https://api.example.com\n')
    expect(mode(file)).to.equal(0o600)
    expect(readdirSync(tmp.dir)).to.deep.equal(['.env'])
  })

  it('keeps the mode of an existing file', async () => {
    const file = path.join(tmp.dir, '.env')
    writeFileSync(file, 'X=1\n', {mode: 0o640})
    expect(await updateDotenvFile(file, THREE)).to.deep.equal({created: false, mode: 0o640})
    expect(mode(file)).to.equal(0o640)
  })

  it('writes through a symbolic link to its target: the link stays a link', async () => {
    mkdirSync(path.join(tmp.dir, 'real'))
    const target = path.join(tmp.dir, 'real', 'shared.env')
    writeFileSync(target, '# shared\n', {mode: 0o600})
    const link = path.join(tmp.dir, '.env')
    symlinkSync(path.join('real', 'shared.env'), link)
    await updateDotenvFile(link, THREE)
    expect(lstatSync(link).isSymbolicLink()).to.equal(true)
    expect(readlinkSync(link)).to.equal(path.join('real', 'shared.env'))
    expect(readFileSync(target, 'utf8')).to.match(/^# shared\nLLAMA_CLOUD_API_KEY=llx-new\n/)
    expect(readdirSync(path.join(tmp.dir, 'real'))).to.deep.equal(['shared.env'])
  })

  it('a file written with hostile values: sh, bash and zsh sourcing it (set -a) run nothing and get each value exactly; so do python-dotenv, node --env-file and the dotenv package', async function () {
    this.timeout(30_000)
    const values = [
      'a b $(touch ran1)',
      '`touch ran2`',
      "it's; touch ran3",
      "p'x!y#z",
      'p"x',
      '$HOME',
      'x #y',
      '#',
      '* ? [a] {a,b}',
      '~root',
      '=ls',
      'a=~b:~/c',
      'a;b&c|d > ran4',
      '  lead and trail  ',
      '!x',
      "'#'",
      'é ü 😀',
      '-n',
      '',
      'llx-abc_DEF.123',
      'https://h.example:8443/a?b=c&d=e',
    ]
    const names = values.map((_, i) => `V${i}`)
    const file = path.join(tmp.dir, '.env')
    writeFileSync(file, '# before\nKEEP=1\n', {mode: 0o600})
    await updateDotenvFile(
      file,
      names.map((name, i) => [name, values[i]] as const),
    )
    const expected = Object.fromEntries(names.map((name, i) => [name, values[i]]))
    const run = (command: string, args: string[]) => execFileSync(command, args, {cwd: tmp.dir, encoding: 'utf8', timeout: 10_000})
    for (const shell of ['sh', 'bash', 'zsh']) {
      const out = run(shell, ['-c', `set -a; . ./.env; printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`])
      expect(
        Object.fromEntries(
          out
            .split('\0')
            .slice(0, -1)
            .map((v, i) => [names[i], v]),
        ),
        shell,
      ).to.deep.equal(expected)
    }

    const pick = (all: Record<string, string | undefined>) => Object.fromEntries(names.map((n) => [n, all[n]]))
    // Debian's python3 with its python3-dotenv (what .ci/run installs); a python3 of its own on
    // PATH (pyenv, say) need not have the package.
    const python = run(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', [
      '-c',
      'import json; from dotenv import dotenv_values; print(json.dumps(dotenv_values(".env")))',
    ])
    expect(pick(JSON.parse(python)), 'python-dotenv').to.deep.equal(expected)
    const node = run(process.execPath, ['--env-file=.env', '-e', 'console.log(JSON.stringify(process.env))'])
    expect(pick(JSON.parse(node)), 'node --env-file').to.deep.equal(expected)
    expect(pick(dotenv.parse(readFileSync(file))), 'dotenv').to.deep.equal(expected)
    expect(readdirSync(tmp.dir).sort(), 'no command ran').to.deep.equal(['.env'])
  })

  /** The one-line error updateDotenvFile fails with. */
  async function refusal(write: Promise<unknown>): Promise<CliError> {
    try {
      await write
    } catch (error) {
      return error as CliError
    }

    throw new Error('the write was not refused')
  }

  it('a key into a file of another user, through a symbolic link (0666, in a 0777 directory): refused naming the real file, nothing written; allowShared writes it, with a warning', async function () {
    // A second real user owns the file: root can chown to nobody; others can't make such a file.
    if (process.getuid?.() !== 0) this.skip()
    const target = otherUsersFile(tmp.dir)
    const link = path.join(tmp.dir, '.env')
    symlinkSync(target, link)
    const error = await refusal(updateDotenvFile(link, THREE, {secret: true}))
    expect(error.code).to.equal('env_file_shared')
    expect(error.line).to.equal(
      `${target} (where ${link} leads) belongs to another user (uid 65534), so llamactl won't write the API key into it. ` +
        'Write to a file of your own that only you can read (chmod 600), or pass --allow-shared-file to write it there anyway',
    )
    expect(readFileSync(target, 'utf8')).to.equal('THEIRS=1\n')
    expect(readdirSync(path.dirname(target))).to.deep.equal(['victim.env'])

    const warnings: string[] = []
    await updateDotenvFile(link, THREE, {allowShared: true, secret: true, warn: (m) => warnings.push(m)})
    expect(readFileSync(target, 'utf8')).to.match(/^THEIRS=1\nLLAMA_CLOUD_API_KEY=llx-new\n/)
    expect(warnings).to.deep.equal([`${target} (where ${link} leads) belongs to another user (uid 65534) and now holds an API key (--allow-shared-file)`])
    expect([statSync(target).uid, statSync(target).mode & 0o777], 'written by root, it keeps its owner and mode').to.deep.equal([65_534, 0o666])
  })

  it('a key into a file of ones own that others can read: refused (its mode named); allowShared keeps its mode; a write without a secret is not refused', async () => {
    const file = path.join(tmp.dir, '.env')
    writeFileSync(file, 'X=1\n')
    chmodSync(file, 0o644)
    const error = await refusal(updateDotenvFile(file, THREE, {secret: true}))
    expect(error.line).to.match(
      new RegExp(`^${file.replaceAll('.', '\\.')} can be read by other users \\(mode 0644\\), so llamactl won't write the API key into it\\. `),
    )
    expect(readFileSync(file, 'utf8')).to.equal('X=1\n')
    await updateDotenvFile(file, THREE.slice(1), {secret: false})
    expect(readFileSync(file, 'utf8')).to.equal('X=1\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=https://api.example.com\n')
    await updateDotenvFile(file, THREE, {allowShared: true, secret: true})
    expect(mode(file)).to.equal(0o644)
    expect(readFileSync(file, 'utf8')).to.include('LLAMA_CLOUD_API_KEY=llx-new\n')
  })

  it("sweeps the temp files of writers that died (they may hold a key) and leaves a live writer's", async () => {
    const file = path.join(tmp.dir, '.env')
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const deadTemp = path.join(tmp.dir, `..env.${dead}.abc.tmp`)
    const liveTemp = path.join(tmp.dir, `..env.${process.ppid}.def.tmp`)
    writeFileSync(deadTemp, 'LLAMA_CLOUD_API_KEY=llx-of-a-killed-writer\n', {mode: 0o600})
    writeFileSync(liveTemp, 'x', {mode: 0o600})
    await updateDotenvFile(file, THREE)
    expect(readdirSync(tmp.dir).sort()).to.deep.equal([path.basename(liveTemp), '.env'])
  })

  it('a directory, or a path in a missing directory, is a one-line error and nothing is written', async () => {
    for (const [file, pattern] of [
      [tmp.dir, /is not a regular file/],
      [path.join(tmp.dir, 'missing', '.env'), /^Could not write .*missing\/\.env \(ENOENT\)\. Its directory does not exist$/],
    ] as const) {
      let error: CliError | undefined
      try {
        await updateDotenvFile(file, THREE)
      } catch (error_) {
        error = error_ as CliError
      }

      expect(error?.code).to.equal('env_file')
      expect(error?.line).to.match(pattern)
    }

    expect(readdirSync(tmp.dir)).to.deep.equal([])
  })
})
