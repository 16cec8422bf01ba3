import {expect} from 'chai'
import {lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {setDotenvVariables, updateDotenvFile} from '../../src/stores/dotenv-file.js'
import {tempConfigDir} from '../support/cli.js'

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

  it('quotes values that need it', () => {
    expect(
      setDotenvVariables('', [
        ['A', 'has space'],
        ['B', "it's"],
        ['C', 'plain-._:/@%+,=~1'],
        ['D', ''],
      ]),
    ).to.equal(`A='has space'\nB="it's"\nC=plain-._:/@%+,=~1\nD=\n`)
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
