import {expect} from 'chai'
import {chmodSync, lchownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {CliError} from '../../src/errors.js'
import {updateDotenvFile} from '../../src/stores/dotenv-file.js'
import {tempConfigDir} from '../support/cli.js'
import {NOBODY} from '../support/other-user.js'
import {rejection} from '../support/rejection.js'

/**
 * `auth inject --env-file /tmp/x.env` where another user planted /tmp/x.env as a link to a file of
 * ours: the kernel's protected_symlinks refuses to follow it only where that sysctl is on (it is
 * off in some containers, absent on macOS). llamactl applies the same rule itself.
 */
describe('inject refuses another user’s symbolic link in a sticky directory anyone can write (the protected_symlinks rule)', () => {
  let dir: string
  let cleanup: () => void
  let sticky: string
  let victim: string
  const KEY = 'llx-sticky-link-key-0123456789'

  before(function () {
    if (process.getuid?.() !== 0) this.skip() // handing the link to another user (lchown) needs root
  })

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    sticky = path.join(dir, 'tmp')
    mkdirSync(sticky)
    chmodSync(sticky, 0o1777)
    victim = path.join(dir, 'victim.env')
    writeFileSync(victim, 'MINE=1\n', {mode: 0o600})
  })
  afterEach(() => cleanup())

  const write = (file: string) => updateDotenvFile(file, [['LLAMA_CLOUD_API_KEY', KEY]], {secret: true})

  it('a link owned by another user: refused in one line naming the link, and the file it points at is untouched', async () => {
    const link = path.join(sticky, 'x.env')
    symlinkSync(victim, link)
    lchownSync(link, NOBODY, NOBODY)
    const error = await rejection<CliError>(write(link))
    expect(error.code).to.equal('env_file_shared')
    expect(error.line).to.include(link).and.include(`another user (uid ${NOBODY})`).and.not.include('\n')
    expect(readFileSync(victim, 'utf8')).to.equal('MINE=1\n')
  })

  it('a directory link of another user on the way (/tmp/link/.env): refused too', async () => {
    const own = path.join(dir, 'project')
    mkdirSync(own)
    const link = path.join(sticky, 'proj')
    symlinkSync(own, link)
    lchownSync(link, NOBODY, NOBODY)
    expect((await rejection<CliError>(write(path.join(link, '.env')))).code).to.equal('env_file_shared')
  })

  it('the user’s own link there is followed as before', async () => {
    const link = path.join(sticky, 'mine.env')
    symlinkSync(victim, link)
    await write(link)
    expect(readFileSync(victim, 'utf8')).to.equal(`MINE=1\nLLAMA_CLOUD_API_KEY=${KEY}\n`)
  })
})
