import {expect} from 'chai'

import {startKeytarProcess} from '../../src/stores/keytar-process.js'
import {keychainAvailable, keytar} from '../support/keychain.js'

describe('keytar in a child process (the real keychain of npm test)', function () {
  this.timeout(30_000)
  before(async function () {
    if (!(await keychainAvailable())) this.skip()
  })

  const account = `profile:keytar-process-${process.pid}`
  afterEach(async () => {
    await keytar().deletePassword('llamactl', account)
  })

  it('writes, reads and deletes what keytar itself sees; after its child went away idle, the next call starts another', async () => {
    const child = await startKeytarProcess({timeoutMs: 5000})
    await child.setPassword('llamactl', account, 'through the child')
    expect(await keytar().getPassword('llamactl', account)).to.equal('through the child')
    expect(await child.getPassword('llamactl', account)).to.equal('through the child')
    // A long-lived host (the library) calls again after the idle child has exited.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(await child.getPassword('llamactl', account)).to.equal('through the child')
    expect(await child.deletePassword('llamactl', account)).to.equal(true)
    expect(await child.getPassword('llamactl', account)).to.equal(null)
  })

  it('once abandoned, every call fails at once', async () => {
    const child = await startKeytarProcess({timeoutMs: 5000})
    child.abandon!()
    const started = Date.now()
    const error = await child.getPassword('llamactl', account).catch((error_: Error) => error_)
    expect(error).to.be.instanceOf(Error)
    expect(Date.now() - started).to.be.lessThan(500)
  })
})
