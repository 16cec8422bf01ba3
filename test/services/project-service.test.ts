import {expect} from 'chai'

import {CliError} from '../../src/errors.js'
import type {ProjectService} from '../../src/services/project-service.js'
import {secretAccount} from '../../src/stores/secret-store.js'
import {InProcess, inProcess, rejection} from '../support/in-process.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

describe('ProjectService (real stores in a temp dir, file secret store, test control plane)', () => {
  let f: InProcess
  let service: ProjectService
  afterEach(() => f.cleanup())

  const currentName = () => f.config().environments.find((e) => e.apiUrl === f.env.apiUrl)?.currentProfile
  const quiet = () => ({interactive: false, prompter: new ScriptedPrompter().factory})

  describe('in an environment that requires auth', () => {
    beforeEach(async () => {
      f = await inProcess()
      service = await f.services.projectService()
    })

    /** An API-key profile for the test key, current. */
    const withProfile = async () =>
      (await (await f.services.profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'work', projectId: 'p1'}, {apiKey: f.key})).profile

    it('sets a project the server lists for the current profile’s key', async () => {
      const before = await withProfile()
      const after = await service.setProject(f.env, 'p2', quiet())
      expect(after).to.deep.equal({...before, projectId: 'p2'})
      expect(f.config().profiles).to.deep.equal([after])
      expect(f.server.calls('list-projects').map((c) => c.authorization)).to.deep.equal([`Bearer ${f.key}`])
    })

    it('refuses a project the server does not list (unknown_project), leaving the profile as it was', async () => {
      await withProfile()
      const error = await rejection<CliError>(service.setProject(f.env, 'p9', quiet()))
      expect(error.code).to.equal('unknown_project')
      expect(error.line).to.include('Available: p1, p2')
      expect(f.config().profiles[0].projectId).to.equal('p1')
    })

    it('with no current profile is no_current_profile, before any request', async () => {
      const error = await rejection<CliError>(service.setProject(f.env, 'p1', quiet()))
      expect(error.code).to.equal('no_current_profile')
      expect(error.line).to.equal(
        `No profile is current in ${f.env.apiUrl}. Log in with \`llamactl auth login\` or \`llamactl auth token\`, or pick one with \`llamactl auth switch\``,
      )
      expect(f.server.requests).to.deep.equal([])
    })

    it('without an id and without a prompt is a usage error naming PROJECT_ID and the choices', async () => {
      await withProfile()
      const error = await rejection<CliError>(service.setProject(f.env, undefined, quiet()))
      expect(error.exit).to.equal(2)
      expect(error.line).to.equal('Missing PROJECT_ID argument (no prompt in non-interactive mode). Pass PROJECT_ID argument with one of: p1, p2')
    })

    it('interactive: asks among the listed projects only, even when there is a single one', async () => {
      await withProfile()
      const prompter = new ScriptedPrompter(['Demo'])
      expect((await service.setProject(f.env, undefined, {interactive: true, prompter: prompter.factory})).projectId).to.equal('p1')
      expect(prompter.asked[0].choices).to.deep.equal(['Demo — p1 (3 deployments)', 'p2 (0 deployments)'])

      const solo = f.server.addKey(undefined, {projects: [{deployment_count: 1, project_id: 'solo', project_name: null}]})
      await (await f.services.profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'solo', projectId: null}, {apiKey: solo})
      const asked = new ScriptedPrompter(['solo'])
      expect((await service.setProject(f.env, undefined, {interactive: true, prompter: asked.factory})).projectId).to.equal('solo')
      expect(asked.asked.map((a) => a.choices)).to.deep.equal([['solo (1 deployment)']])
    })
  })

  describe('in an environment without auth', () => {
    beforeEach(async () => {
      f = await inProcess({requiresAuth: false})
      service = await f.services.projectService()
    })

    it('takes any id without a request, creating a key-less `default` profile and never touching the secret store', async () => {
      f.breakSecretStore()
      const created = await service.setProject(f.env, 'anything', quiet())
      expect(created).to.deep.include({apiUrl: f.env.apiUrl, authType: 'none', name: 'default', projectId: 'anything'})
      expect(currentName()).to.equal('default')
      const updated = await service.setProject(f.env, 'other', quiet())
      expect(updated).to.deep.equal({...created, projectId: 'other'})
      expect(f.config().profiles).to.deep.equal([updated])
      expect(f.server.requests).to.deep.equal([])
    })

    it('reuses an existing key-less `default` profile that is not current, making it current again', async () => {
      const first = await service.setProject(f.env, 'p1', quiet())
      await f.services.profileStore.setCurrent(f.env.apiUrl, null)
      const again = await service.setProject(f.env, 'p3', quiet())
      expect(again).to.deep.equal({...first, projectId: 'p3'})
      expect(currentName()).to.equal('default')
      expect(f.config().profiles).to.have.length(1)
    })

    it('never turns a keyed profile named `default` key-less: creates `default-2` instead', async () => {
      const profiles = await f.services.profileService()
      const {profile: keyed} = await profiles.create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'default', projectId: 'p1'}, {apiKey: f.key})
      await f.services.profileStore.setCurrent(f.env.apiUrl, null)
      const created = await service.setProject(f.env, 'p9', quiet())
      expect(created).to.deep.include({authType: 'none', name: 'default-2', projectId: 'p9'})
      expect(currentName()).to.equal('default-2')
      expect(f.config().profiles.find((p) => p.name === 'default')).to.deep.equal(keyed)
      expect(f.secrets()).to.deep.equal({[secretAccount(keyed)]: {apiKey: f.key}})
    })

    it('interactive: offers the public projects and "Enter a project ID…", and takes a typed id', async () => {
      const prompter = new ScriptedPrompter(['Enter a project ID', ' typed-id '])
      const profile = await service.setProject(f.env, undefined, {interactive: true, prompter: prompter.factory})
      expect(profile).to.deep.include({authType: 'none', name: 'default', projectId: 'typed-id'})
      expect(prompter.asked[0].choices).to.deep.equal(['Demo — p1 (3 deployments)', 'p2 (0 deployments)', 'Enter a project ID…'])
      expect(
        f.server.calls('list-projects').map((c) => c.authorization),
        'listed without credentials',
      ).to.deep.equal([undefined])
    })

    it('an empty typed id is a usage error and creates nothing', async () => {
      const prompter = new ScriptedPrompter(['Enter a project ID', '   '])
      const error = await rejection<CliError>(service.setProject(f.env, undefined, {interactive: true, prompter: prompter.factory}))
      expect(error.line).to.equal('The project ID is empty. Give a project ID')
      expect(error.exit).to.equal(2)
      expect(f.config().profiles).to.deep.equal([])
    })

    it('with a current API-key profile, lists with its key and sets any id on it', async () => {
      const profiles = await f.services.profileService()
      await profiles.create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'work', projectId: 'p1'}, {apiKey: f.key})
      expect((await service.setProject(f.env, 'unlisted', quiet())).projectId).to.equal('unlisted')
      const prompter = new ScriptedPrompter(['p2 ('])
      expect((await service.setProject(f.env, undefined, {interactive: true, prompter: prompter.factory})).projectId).to.equal('p2')
      expect(f.server.calls('list-projects').map((c) => c.authorization)).to.deep.equal([`Bearer ${f.key}`])
      expect(f.config().profiles.map((p) => p.name)).to.deep.equal(['work'])
    })
  })
})
