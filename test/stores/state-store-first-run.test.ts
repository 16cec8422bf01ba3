import {expect} from 'chai'

import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'

describe('StateStore first-run hook (the Python llamactl import runs through it)', () => {
  let dir: string
  let cleanup: () => void

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
  })
  afterEach(() => cleanup())

  /** A hook that writes a config through its own store, as the import does; counts its calls. */
  function importingHook() {
    const calls: string[] = []
    const run = async () => {
      calls.push('run')
      await new StateStore(dir).update((doc) => {
        doc.profiles.push({apiUrl: doc.currentEnvironment, authType: 'none', id: 'imported', name: 'imported', projectId: null})
      })
    }

    return {calls, run}
  }

  it('runs once, before the first read, when there is no config file, and the read sees what it wrote', async () => {
    const hook = importingHook()
    const store = new StateStore(dir, {firstRun: hook.run})
    const [a, b] = await Promise.all([store.read(), store.read()])
    expect(hook.calls).to.deep.equal(['run'])
    expect(a.profiles.map((p) => p.name)).to.deep.equal(['imported'])
    expect(b).to.equal(a)
  })

  it('does not run when the config file exists', async () => {
    await new StateStore(dir).update(() => {})
    const hook = importingHook()
    const doc = await new StateStore(dir, {firstRun: hook.run}).read()
    expect(hook.calls).to.deep.equal([])
    expect(doc.profiles).to.deep.equal([])
  })

  it('runs before a first write, which would otherwise create the file and skip it for good', async () => {
    const hook = importingHook()
    const store = new StateStore(dir, {firstRun: hook.run})
    await store.update((doc) => {
      doc.environments.push({apiUrl: 'http://127.0.0.1:1', currentProfile: null, minLlamactlVersion: null, requiresAuth: false})
    })
    expect(hook.calls).to.deep.equal(['run'])
    const doc = await new StateStore(dir).read()
    expect(doc.profiles.map((p) => p.name)).to.deep.equal(['imported'])
    expect(doc.environments.map((e) => e.apiUrl)).to.include('http://127.0.0.1:1')
  })
})
