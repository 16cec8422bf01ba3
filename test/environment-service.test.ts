import {expect} from 'chai'

import type {ControlPlaneClient} from '../src/control-plane-client.js'
import {EnvironmentRepository} from '../src/environment-repository.js'
import {EnvironmentService} from '../src/environment-service.js'
import {ProfileRepository} from '../src/profile-repository.js'
import {StateStore} from '../src/state/state-store.js'
import {tempConfigDir} from './support/cli.js'

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
      environments: new EnvironmentRepository(store),
      profiles: new ProfileRepository(store),
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
