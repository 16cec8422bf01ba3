import {runCommand} from '@oclif/test'
import {expect} from 'chai'

import type * as Base from '../../src/base-command.js'
import type * as Factory from '../../src/services/factory.js'
import type {Choice, Prompter} from '../../src/ui/prompter.js'
import {sourceConfig} from '../support/in-process-cli.js'
import {Fixture, ok, setUp} from '../support/fixture.js'

/**
 * Commands get every dependency from one factory (BaseCommand.servicesFactory). These tests run
 * the commands in-process through oclif, on src/ (sourceConfig: the plugin's Config with its
 * TypeScript sources as commands), with the factory swapped for one whose prompter answers from a script.
 */
describe('the services seam: in-process command runs with a scripted prompter', () => {
  let f: Fixture
  let BaseCommand: typeof Base.BaseCommand
  let DefaultServices: typeof Factory.DefaultServices
  let original: typeof Base.BaseCommand.servicesFactory
  const asked: string[] = []
  const saved: Record<string, string | undefined> = {}

  /** Answers select prompts with the choice whose label includes the scripted text. */
  const scripted = (answers: string[]): Prompter => ({
    async input(message) {
      asked.push(message)
      return answers.shift()!
    },
    async password(message) {
      asked.push(message)
      return answers.shift()!
    },
    async select<T>(message: string, choices: Choice<T>[]) {
      asked.push(`${message}: ${choices.map((c) => c.label).join(' | ')}`)
      const want = answers.shift()!
      const choice = choices.find((c) => c.label.includes(want))
      if (!choice) throw new Error(`no choice "${want}" in ${choices.map((c) => c.label)}`)
      return choice.value
    },
  })

  before(async () => {
    // import(), as oclif loads the commands: mocha's require of this file would give its static
    // imports their own copies of src/ modules, and so a BaseCommand the commands don't extend.
    ;({BaseCommand} = await import('../../src/base-command.js'))
    ;({DefaultServices} = await import('../../src/services/factory.js'))
    original = BaseCommand.servicesFactory
  })

  beforeEach(async () => {
    f = await setUp({inProcess: true})
    asked.length = 0
    for (const name of ['LLAMACTL_CONFIG_DIR', 'LLAMACTL_SECRET_STORE', 'CI']) saved[name] = process.env[name]
    Object.assign(process.env, f.env)
    delete process.env.CI
  })

  afterEach(async () => {
    BaseCommand.servicesFactory = original
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    await f.cleanup()
  })

  function withPrompter(answers: string[]) {
    BaseCommand.servicesFactory = (ctx) => new DefaultServices(ctx, {prompter: async () => scripted(answers)})
  }

  it('auth token --interactive: key and project come from the prompter, the profile from the real services', async () => {
    withPrompter([f.key, 'p2'])
    const {error, result} = await runCommand(['auth', 'token', '--interactive', '--json'], await sourceConfig())
    expect(error).to.equal(undefined)
    expect(result).to.include({authType: 'api-key', current: true, projectId: 'p2'})
    expect(asked).to.deep.equal(['API key', 'Choose a project: Demo — p1 (3 deployments) | p2 (0 deployments)'])
  })

  it('auth switch and auth logout pick the profile through the prompter, the current one offered', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'alpha']))
    ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p2', '--name', 'beta']))
    withPrompter(['alpha', 'beta'])
    expect((await runCommand(['auth', 'switch', '--interactive', '--json'], await sourceConfig())).result).to.include({current: true, name: 'alpha'})
    expect((await runCommand(['auth', 'logout', '--interactive', '--json'], await sourceConfig())).result).to.include({name: 'beta'})
    expect(asked).to.deep.equal(['Switch to profile: alpha (p1) | beta (p2)', 'Log out of profile: alpha (p1) | beta (p2)'])
  })

  it('auth env delete offers every environment but the default one', async () => {
    withPrompter([f.server.url])
    const {result} = await runCommand(['auth', 'env', 'delete', '--interactive', '--json'], await sourceConfig())
    expect(result).to.deep.equal({apiUrl: f.server.url, currentEnvironment: 'https://api.cloud.llamaindex.ai', removedProfiles: 0})
    expect(asked).to.deep.equal([`Delete environment: ${f.server.url}`])
  })
})
