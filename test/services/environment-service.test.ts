import {expect} from 'chai'

import type {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {EnvironmentStore} from '../../src/stores/environment-store.js'
import {EnvironmentService} from '../../src/services/environment-service.js'
import {ProfileStore} from '../../src/stores/profile-store.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'

describe('EnvironmentService', () => {
  let cleanup: () => void
  let service: EnvironmentService
  let warnings: string[]

  beforeEach(() => {
    const temp = tempConfigDir()
    cleanup = temp.cleanup
    warnings = []
    const store = new StateStore(temp.dir)
    // A server on a non-loopback host can't be run here: a stub client answers its probe.
    const stubClient = {probeVersion: async () => ({capabilities: [], minLlamactlVersion: null, requiresAuth: true, version: '1.0.0'})}
    service = new EnvironmentService({
      client: () => stubClient as unknown as ControlPlaneClient,
      environments: new EnvironmentStore(store),
      profiles: new ProfileStore(store),
      profileService: () => Promise.reject(new Error('not needed')),
      version: '0.1.0',
      warn: (m) => warnings.push(m),
    })
  })
  afterEach(() => cleanup())

  it('[stub client] warns that plain http to another host exposes API keys', async () => {
    await service.add('http://control-plane.example.com/')
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.include('http://control-plane.example.com uses plain http')
  })

  it('[stub client] says nothing for https or for loopback http', async () => {
    await service.add('https://control-plane.example.com')
    await service.add('http://127.0.0.1:8000')
    await service.add('http://localhost:8000')
    expect(warnings).to.deep.equal([])
  })
})

describe('EnvironmentService with a real test control plane', () => {
  it('keeps the capabilities the probe reports; add with use makes it current with no current profile', async () => {
    const {TestControlPlane, TWO_ORGANIZATIONS} = await import('../support/control-plane-server.js')
    const {ControlPlaneClient} = await import('../../src/net/control-plane-client.js')
    const server = await new TestControlPlane({organizations: TWO_ORGANIZATIONS}).start()
    const temp = tempConfigDir()
    try {
      const state = new StateStore(temp.dir)
      const environments = new EnvironmentStore(state)
      const profiles = new ProfileStore(state)
      const service = new EnvironmentService({
        client: (url) => new ControlPlaneClient(url, {timeoutMs: 2000}),
        environments,
        profiles,
        profileService: () => Promise.reject(new Error('not needed')),
        version: '0.1.0',
        warn: () => {},
      })
      const added = await service.add(server.url)
      expect(added.capabilities).to.deep.equal(['deployments', 'organizations'])
      expect((await environments.current()).apiUrl).to.not.equal(server.url)
      await state.update((doc) => {
        doc.profiles.push({apiUrl: server.url, authType: 'none', id: 'x', name: 'default', projectId: 'p1'})
      })
      await profiles.setCurrent(server.url, 'default')
      await service.add(server.url, {use: true})
      expect(await environments.current()).to.deep.include({apiUrl: server.url, currentProfile: null})
    } finally {
      await server.stop()
      temp.cleanup()
    }
  })
})
