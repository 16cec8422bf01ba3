import {expect} from 'chai'

import {CliError, UsageError} from '../../src/errors.js'
import type {EnvironmentRecord, ProfileRecord, Project} from '../../src/model.js'
import {
  pickCredentialProject,
  pickEnvironment,
  pickEnvironmentToDelete,
  pickProfile,
  pickProject,
  PickProjectOptions,
  projectLabel,
} from '../../src/ui/pickers.js'
import {rejection} from '../support/in-process.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

const DEMO: Project[] = [
  {deploymentCount: 3, orgId: 'default', projectId: 'p1', projectName: 'Demo'},
  {deploymentCount: 1, orgId: 'default', projectId: 'p2', projectName: null},
]
const SOLO: Project[] = [{deploymentCount: 0, orgId: 'default', projectId: 'solo', projectName: 'solo'}]

describe('pickers', () => {
  describe('pickProject', () => {
    let prompter: ScriptedPrompter
    const options = (extra: Partial<PickProjectOptions> = {}): PickProjectOptions => ({
      allowUnlisted: false,
      flag: '--project-id',
      interactive: false,
      prompter: prompter.factory,
      takeSingle: true,
      ...extra,
    })
    beforeEach(() => {
      prompter = new ScriptedPrompter()
    })

    it('takes a requested, listed project (trimmed) without prompting, even when interactive', async () => {
      expect(await pickProject(DEMO, options({interactive: true, requested: ' p2 '}))).to.equal('p2')
      expect(prompter.asked).to.deep.equal([])
    })

    it('refuses a requested project the list lacks (unknown_project), naming the ones there are', async () => {
      const error = await rejection<CliError>(pickProject(DEMO, options({interactive: true, requested: 'p9'})))
      expect(error.code).to.equal('unknown_project')
      expect(error.exit).to.equal(1)
      expect(error.line).to.equal('Project p9 is not one this account can use. Available: p1, p2')
      const none = await rejection<CliError>(pickProject([], options({requested: 'p9'})))
      expect(none.line).to.equal('Project p9 is not one this account can use. The account has no projects; create one on the web first')
    })

    it('accepts any requested id where unlisted ones are allowed, without needing a list', async () => {
      expect(await pickProject([], options({allowUnlisted: true, requested: 'anything'}))).to.equal('anything')
    })

    it('an empty list where only listed ones count is no_projects, before any prompt', async () => {
      const error = await rejection<CliError>(pickProject([], options({interactive: true})))
      expect(error.code).to.equal('no_projects')
      expect(prompter.asked).to.deep.equal([])
    })

    it('takes the single project without asking when takeSingle, and asks when not', async () => {
      expect(await pickProject(SOLO, options({interactive: true}))).to.equal('solo')
      expect(prompter.asked).to.deep.equal([])
      const asking = new ScriptedPrompter(['solo'])
      expect(await pickProject(SOLO, options({interactive: true, prompter: asking.factory, takeSingle: false}))).to.equal('solo')
      expect(asking.asked.map((a) => a.message)).to.deep.equal(['Choose a project'])
    })

    it('non-interactive without a request is a usage error naming the flag and the choices', async () => {
      const error = await rejection<CliError>(pickProject(DEMO, options({flag: 'PROJECT_ID argument'})))
      expect(error).to.be.instanceOf(UsageError)
      expect(error.exit).to.equal(2)
      expect(error.line).to.equal('Missing PROJECT_ID argument (no prompt in non-interactive mode). Pass PROJECT_ID argument with one of: p1, p2')
      const open = await rejection<CliError>(pickProject([], options({allowUnlisted: true})))
      expect(open.line).to.equal('Missing --project-id (no prompt in non-interactive mode). Pass --project-id')
      expect(prompter.asked).to.deep.equal([])
    })

    it('prompts with labelled choices (name — id, deployment count) and returns the chosen id', async () => {
      prompter = new ScriptedPrompter(['p2 ('])
      expect(await pickProject(DEMO, options({interactive: true}))).to.equal('p2')
      expect(prompter.asked).to.deep.equal([
        {choices: ['Demo — p1 (3 deployments)', 'p2 (1 deployment)'], initial: undefined, kind: 'select', message: 'Choose a project'},
      ])
      expect(projectLabel({deploymentCount: 0, orgId: 'default', projectId: 'p3', projectName: 'p3'})).to.equal('p3 (0 deployments)')
    })

    it('where unlisted ids are allowed, offers "Enter a project ID…" and takes the typed id, trimmed', async () => {
      prompter = new ScriptedPrompter(['Enter a project ID', '  typed-id '])
      expect(await pickProject(DEMO, options({allowUnlisted: true, interactive: true}))).to.equal('typed-id')
      expect(prompter.asked.map((a) => [a.kind, a.message])).to.deep.equal([
        ['select', 'Choose a project'],
        ['input', 'Project ID'],
      ])
      expect(prompter.asked[0].choices?.at(-1)).to.equal('Enter a project ID…')
    })

    it('with nothing listed but unlisted ids allowed, asks for the id directly', async () => {
      prompter = new ScriptedPrompter(['typed'])
      expect(await pickProject([], options({allowUnlisted: true, interactive: true}))).to.equal('typed')
      expect(prompter.asked).to.deep.equal([{kind: 'input', message: 'Project ID'}])
    })
  })

  describe('pickCredentialProject', () => {
    it('checks --project-id against the list and never allows unlisted ids', async () => {
      const prompter = new ScriptedPrompter()
      expect(await pickCredentialProject(DEMO, {interactive: false, projectId: 'p1', prompter: prompter.factory}, true)).to.equal('p1')
      const error = await rejection<CliError>(pickCredentialProject(DEMO, {interactive: true, projectId: 'p9', prompter: prompter.factory}, true))
      expect(error.code).to.equal('unknown_project')
    })

    it('names --project-id when it cannot ask; takes a single project only when told to', async () => {
      const prompter = new ScriptedPrompter()
      const error = await rejection<CliError>(pickCredentialProject(DEMO, {interactive: false, prompter: prompter.factory}, true))
      expect(error.line).to.match(/^Missing --project-id .*Pass --project-id with one of: p1, p2$/)
      expect(await pickCredentialProject(SOLO, {interactive: false, prompter: prompter.factory}, true)).to.equal('solo')
      expect((await rejection<CliError>(pickCredentialProject(SOLO, {interactive: false, prompter: prompter.factory}, false))).code).to.equal('usage')
    })

    it('prompts among the account’s projects, without an "enter an id" choice', async () => {
      const prompter = new ScriptedPrompter(['Demo'])
      expect(await pickCredentialProject(DEMO, {interactive: true, prompter: prompter.factory}, true)).to.equal('p1')
      expect(prompter.asked[0].choices).to.deep.equal(['Demo — p1 (3 deployments)', 'p2 (1 deployment)'])
    })
  })

  describe('pickProfile', () => {
    const env: EnvironmentRecord = {apiUrl: 'http://127.0.0.1:8000', currentProfile: 'beta', minLlamactlVersion: null, requiresAuth: true}
    const record = (name: string, projectId: null | string): ProfileRecord => ({apiUrl: env.apiUrl, authType: 'api-key', id: name, name, projectId})
    const profiles = [record('alpha', 'p1'), record('beta', null), record('gamma', 'p2')]

    it('takes the NAME argument as is, without checking or prompting', async () => {
      const prompter = new ScriptedPrompter()
      expect(await pickProfile([], env, {interactive: true, message: 'Switch to profile', prompter: prompter.factory, requested: 'anyone'})).to.equal('anyone')
      expect(prompter.asked).to.deep.equal([])
    })

    it('non-interactive without NAME is a usage error naming the argument', async () => {
      const error = await rejection<CliError>(pickProfile(profiles, env, {interactive: false, message: 'x', prompter: new ScriptedPrompter().factory}))
      expect(error.exit).to.equal(2)
      expect(error.line).to.equal('Missing NAME argument (no prompt in non-interactive mode). Pass a profile name; see `llamactl auth list`')
    })

    it('with no profiles to offer is no_profiles, saying how to create one', async () => {
      const error = await rejection<CliError>(pickProfile([], env, {interactive: true, message: 'x', prompter: new ScriptedPrompter().factory}))
      expect(error.code).to.equal('no_profiles')
      expect(error.line).to.equal(`No profiles in ${env.apiUrl}. Create one with \`llamactl auth token\` or \`llamactl auth login\``)
    })

    it('prompts with name (project) labels, the current profile preselected', async () => {
      const prompter = new ScriptedPrompter(['gamma'])
      expect(await pickProfile(profiles, env, {interactive: true, message: 'Log out of profile', prompter: prompter.factory})).to.equal('gamma')
      expect(prompter.asked).to.deep.equal([
        {choices: ['alpha (p1)', 'beta (no project)', 'gamma (p2)'], initial: 1, kind: 'select', message: 'Log out of profile'},
      ])
    })

    it('preselects the first one when none is current', async () => {
      const prompter = new ScriptedPrompter(['alpha'])
      await pickProfile(profiles, {...env, currentProfile: null}, {interactive: true, message: 'm', prompter: prompter.factory})
      expect(prompter.asked[0].initial).to.equal(0)
    })
  })

  describe('pickEnvironment', () => {
    const environments: EnvironmentRecord[] = ['https://api.cloud.llamaindex.ai', 'http://127.0.0.1:8000', 'http://127.0.0.1:9000'].map((apiUrl) => ({
      apiUrl,
      currentProfile: null,
      minLlamactlVersion: null,
      requiresAuth: true,
    }))
    const hint = 'Pass the API URL; see `llamactl auth env list`'

    it('takes the API_URL argument as is', async () => {
      const prompter = new ScriptedPrompter()
      expect(await pickEnvironment(environments, {hint, interactive: true, message: 'm', prompter: prompter.factory, requested: 'http://x'})).to.equal(
        'http://x',
      )
      expect(prompter.asked).to.deep.equal([])
    })

    it('non-interactive without API_URL is a usage error carrying the caller’s hint', async () => {
      const error = await rejection<CliError>(pickEnvironment(environments, {hint, interactive: false, message: 'm', prompter: new ScriptedPrompter().factory}))
      expect(error.code).to.equal('usage')
      expect(error.line).to.equal(`Missing API_URL argument (no prompt in non-interactive mode). ${hint}`)
    })

    it('prompts with the URLs, the current environment preselected (the first when it is not offered)', async () => {
      const prompter = new ScriptedPrompter(['9000', '8000'])
      const pick = (current: string) =>
        pickEnvironment(environments, {current, hint, interactive: true, message: 'Switch to environment', prompter: prompter.factory})
      expect(await pick('http://127.0.0.1:8000')).to.equal('http://127.0.0.1:9000')
      expect(await pick('http://127.0.0.1:1')).to.equal('http://127.0.0.1:8000')
      expect(prompter.asked.map((a) => a.initial)).to.deep.equal([1, 0])
      expect(prompter.asked[0]).to.deep.include({choices: environments.map((e) => e.apiUrl), message: 'Switch to environment'})
    })
  })

  describe('pickEnvironmentToDelete', () => {
    const env = (apiUrl: string): EnvironmentRecord => ({apiUrl, currentProfile: null, minLlamactlVersion: null, requiresAuth: true})
    const hint = 'Pass one of `llamactl environments get`'

    it('offers every environment but the default', async () => {
      const prompter = new ScriptedPrompter(['9000'])
      const all = ['https://api.cloud.llamaindex.ai', 'http://127.0.0.1:9000'].map(env)
      expect(await pickEnvironmentToDelete(all, {hint, interactive: true, message: 'Delete environment', prompter: prompter.factory})).to.equal(
        'http://127.0.0.1:9000',
      )
      expect(prompter.asked[0]).to.deep.include({choices: ['http://127.0.0.1:9000']})
    })

    it('with only the default known, an interactive run is one line (no_environments), not an empty menu; API_URL still goes through', async () => {
      const only = [env('https://api.cloud.llamaindex.ai')]
      const prompter = new ScriptedPrompter()
      const error = await rejection<CliError>(pickEnvironmentToDelete(only, {hint, interactive: true, message: 'm', prompter: prompter.factory}))
      expect(error.code).to.equal('no_environments')
      expect(error.line).to.equal('There is no environment to delete. Only the default, https://api.cloud.llamaindex.ai, is known, and it stays')
      expect(prompter.asked).to.deep.equal([])
      expect(await pickEnvironmentToDelete(only, {hint, interactive: true, message: 'm', prompter: prompter.factory, requested: 'http://x'})).to.equal(
        'http://x',
      )
    })
  })
})
