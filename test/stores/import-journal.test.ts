import {expect} from 'chai'
import {chmodSync, existsSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {ImportJournal, sweepImportLeftovers} from '../../src/stores/import-journal.js'
import {SecretStore} from '../../src/stores/secret-store.js'
import {tempConfigDir} from '../support/cli.js'

describe('the import journal: what a killed import wrote and no profile references is swept by the next', () => {
  let dir: string
  let cleanup: () => void
  let store: SecretStore
  const journals = () => readdirSync(dir).filter((name) => name.endsWith('.journal'))

  beforeEach(async () => {
    ;({cleanup, dir} = tempConfigDir())
    // The file store stands in for the keychain here: the sweep only calls deleteMany, which both have.
    store = new SecretStore({dir, mode: 'file', warn: () => {}})
    for (const account of ['profile:killed-1', 'profile:killed-2', 'profile:referenced', 'profile:other-config-dir'])
      await store.set(account, {apiKey: `llx-${account}`})
  })
  afterEach(() => cleanup())

  it('removes the journaled entries the config does not reference, keeps the referenced ones and every entry no journal names, then drops the journal', async () => {
    // What a killed import leaves: its journal, the entries it wrote, and no config update.
    const killed = new ImportJournal(dir)
    killed.note(['profile:killed-1'])
    killed.note(['profile:killed-2', 'profile:referenced'])
    await sweepImportLeftovers(dir, new Set(['profile:referenced']), async () => store)
    expect(await store.get('profile:killed-1')).to.equal(null)
    expect(await store.get('profile:killed-2')).to.equal(null)
    expect(await store.get('profile:referenced')).to.deep.equal({apiKey: 'llx-profile:referenced'})
    // Not this config's: another LLAMACTL_CONFIG_DIR shares the keychain, and its profiles are not in this config.
    expect(await store.get('profile:other-config-dir')).to.deep.equal({apiKey: 'llx-profile:other-config-dir'})
    expect(journals()).to.deep.equal([])
  })

  it('a finished import ends its journal; without a journal the sweep opens no secret store', async () => {
    const done = new ImportJournal(dir)
    done.note(['profile:killed-1'])
    done.end()
    expect(existsSync(done.file)).to.equal(false)
    await sweepImportLeftovers(dir, new Set(), async () => {
      throw new Error('the secret store was opened')
    })
    expect(await store.get('profile:killed-1')).to.deep.equal({apiKey: 'llx-profile:killed-1'})
  })

  it('ignores a journal others can write (in a shared dir it could name any entry) and lines that are no account of ours', async () => {
    const planted = path.join(dir, 'import-secrets.1.planted.journal')
    writeFileSync(planted, 'profile:killed-1\n')
    chmodSync(planted, 0o666)
    const odd = new ImportJournal(dir)
    odd.note(['other:killed-2', 'profile:killed-2 ', '../profile:killed-2'])
    await sweepImportLeftovers(dir, new Set(), async () => store)
    expect(await store.get('profile:killed-1')).to.deep.equal({apiKey: 'llx-profile:killed-1'})
    expect(await store.get('profile:killed-2')).to.deep.equal({apiKey: 'llx-profile:killed-2'})
    expect(journals()).to.deep.equal(['import-secrets.1.planted.journal'])
  })

  it('keeps the journal when the secret store fails, for the next import to try again', async () => {
    const killed = new ImportJournal(dir)
    killed.note(['profile:killed-1'])
    await sweepImportLeftovers(dir, new Set(), async () => {
      throw new Error('keychain locked')
    })
    expect(journals()).to.deep.equal([path.basename(killed.file)])
  })
})
