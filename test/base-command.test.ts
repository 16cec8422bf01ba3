import {Args, Config, Flags} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'

import {BaseCommand} from '../src/base-command.js'
import {interactiveFlag} from '../src/flags.js'
import {CancelledError, CliError, UsageError} from '../src/errors.js'
import {DefaultServices, ServiceContext, Services} from '../src/services/factory.js'
import {DEFAULT_API_URL} from '../src/stores/schema.js'
import {ROOT, tempConfigDir} from './support/cli.js'
import {processState} from './support/process-state.js'
import {ScriptedPrompter} from './support/scripted-prompter.js'

type Parsed = {args: {name?: string}; flags: {interactive?: boolean; token?: string}}

/**
 * A tiny command on BaseCommand, run in this process through oclif's own Command.run with the
 * plugin's real Config: what it does is set per test, and it exposes BaseCommand's protected
 * helpers so the tests can call them.
 */
class Probe extends BaseCommand<unknown> {
  static override args = {name: Args.string({description: 'a name'})}
  static body: (probe: Probe, parsed: Parsed) => Promise<unknown> = async () => ({ok: true})
  static override flags = {interactive: interactiveFlag, token: Flags.string({description: 'a secret'})}

  decideInteractive(flag: boolean | undefined): boolean {
    return this.interactive(flag)
  }

  pickProfileName(requested: string | undefined, interactive: boolean): Promise<string> {
    return this.services.environmentStore.current().then((env) => this.profileName(env, requested, {interactive, message: 'Pick a profile'}))
  }

  get servicesOfRun(): Services {
    return this.services
  }

  tell(message: string): void {
    this.say(message)
  }

  async run(): Promise<unknown> {
    return Probe.body(this, (await this.parse(Probe)) as Parsed)
  }
}

/** Like the commands without arguments (auth token, login, list): extra arguments are refused by BaseCommand.parse itself. */
class NoArgs extends BaseCommand<unknown> {
  static override strict = false

  async run(): Promise<unknown> {
    await this.parse(NoArgs)
    return {ok: true}
  }
}

describe('BaseCommand (a test command run in-process through oclif)', () => {
  let config: Config
  let temp: ReturnType<typeof tempConfigDir>
  const state = processState(['CI', 'DEBUG'])

  before(async () => {
    config = await Config.load(ROOT)
  })

  beforeEach(() => {
    temp = tempConfigDir()
    state.save()
    delete process.env.CI
    delete process.env.DEBUG
    // Never the real config dir: every run gets the real services over a temp one.
    Probe.servicesFactory = (ctx) => new DefaultServices({...ctx, configDir: temp.dir})
  })

  afterEach(() => {
    state.restore()
    Probe.body = async () => ({ok: true})
    Probe.servicesFactory = BaseCommand.servicesFactory
    temp.cleanup()
  })

  /** Runs a command with argv, capturing stdout, stderr, the result and the exit code. */
  async function run(argv: string[], command: typeof Probe | typeof NoArgs = Probe) {
    const out = await captureOutput<unknown>(() => command.run(argv, config))
    const exit = out.error ? ((out.error as {oclif?: {exit?: number}}).oclif?.exit ?? 'no exit code') : 0
    return {...out, exit}
  }

  const failing = (error: Error) => {
    Probe.body = async () => {
      throw error
    }
  }

  describe('errors', () => {
    it('a CliError is one "Error: message. suggestion" line on stderr and its exit code; stdout stays empty', async () => {
      failing(new CliError('The thing failed', {code: 'thing_failed', suggestion: 'Do this next'}))
      expect(await run([])).to.deep.include({exit: 1, stderr: 'Error: The thing failed. Do this next\n', stdout: ''})
      failing(new UsageError('Missing something', 'Pass it'))
      expect(await run([])).to.deep.include({exit: 2, stderr: 'Error: Missing something. Pass it\n'})
      failing(new CancelledError())
      expect(await run([])).to.deep.include({exit: 130, stderr: 'Error: Cancelled\n'})
    })

    it('with --json the error is also the {"error": {code, message}} document on stdout, and nothing else is', async () => {
      failing(new CliError('The thing failed', {code: 'thing_failed', suggestion: 'Do this next'}))
      const result = await run(['--json'])
      expect(result.exit).to.equal(1)
      expect(JSON.parse(result.stdout)).to.deep.equal({error: {code: 'thing_failed', message: 'The thing failed. Do this next'}})
      expect(result.stderr).to.equal('Error: The thing failed. Do this next\n')
    })

    it('an unexpected Error is code internal: its first line, a pointer to DEBUG, exit 1 and no stack', async () => {
      failing(new TypeError('boom\nsecond line'))
      const plain = await run([])
      expect(plain).to.deep.include({exit: 1, stderr: 'Error: boom (set DEBUG=1 for details)\n'})
      const json = await run(['--json'])
      expect(JSON.parse(json.stdout)).to.deep.equal({error: {code: 'internal', message: 'boom (set DEBUG=1 for details)'}})
      expect(json.stderr).not.to.match(/\n\s+at /)
    })

    it('with DEBUG set an unexpected error’s stack goes to stderr too; a CliError’s only when DEBUG names llamactl, redacted', async () => {
      process.env.DEBUG = 'express'
      failing(new TypeError('boom'))
      const unexpected = await run([])
      expect(unexpected.stderr).to.match(/^TypeError: boom\n\s+at [\s\S]*\nError: boom \(set DEBUG=1 for details\)\n$/)
      failing(new CliError('The thing failed'))
      expect((await run([])).stderr).to.equal('Error: The thing failed\n')
      for (const debug of ['1', 'llamactl*', 'express,llamactl:*']) {
        process.env.DEBUG = debug
        failing(new CliError('The thing failed for llx-0123456789abcdef0123'))
        const {stderr} = await run([])
        expect(stderr, debug).to.match(/^CliError: The thing failed for llx-01\*{4}0123\n\s+at [\s\S]*\nError: The thing failed for llx-01\*{4}0123\n$/)
        expect(stderr).not.to.include('0123456789abcdef')
      }
    })

    it('a parse failure is one usage line (exit 2) that never repeats a --flag=value', async () => {
      const secret = 'llx-0123456789abcdef0123'
      const misspelt = await run([`--tokn=${secret}`])
      expect(misspelt.exit).to.equal(2)
      expect(misspelt.stderr).to.equal('Error: Nonexistent flag: --tokn=…. Did you mean --token? See `llamactl probe --help`\n')
      const json = await run([`--tokn=${secret}`, '--json'])
      expect(JSON.parse(json.stdout)).to.deep.equal({
        error: {code: 'usage', message: 'Nonexistent flag: --tokn=…. Did you mean --token? See `llamactl probe --help`'},
      })
      expect(json.stdout + json.stderr).not.to.include(secret)
      expect((await run(['--token'])).stderr).to.match(/^Error: Flag --token expects a value.*See `llamactl probe --help`\n$/)
    })

    it('extra arguments are a usage error with long ones redacted, whether oclif or BaseCommand refuses them', async () => {
      const secret = 'llx-0123456789abcdef0123'
      for (const command of [Probe, NoArgs]) {
        const argv = command === Probe ? ['alpha', secret] : [secret]

        const result = await run(argv, command)
        expect(result.exit).to.equal(2)
        expect(result.stderr).to.match(/^Error: Unexpected argument: llx-01\*\*\*\*0123\. See `llamactl (probe|noargs) --help`\n$/)
        expect(result.stderr).not.to.include(secret)
      }

      expect((await run(['one', 'two', 'three'])).stderr).to.match(/^Error: Unexpected arguments: two, three\. /)
    })
  })

  describe('interactive()', () => {
    /** Sets what the TTY checks see (the real terminals are driven through a pty in the command tests). */
    const terminalsAre = (tty: boolean) => {
      process.stdin.isTTY = tty
      process.stdout.isTTY = tty
    }

    const decided = async (argv: string[]) => {
      Probe.body = async (probe, {flags}) => ({interactive: probe.decideInteractive(flags.interactive)})
      const result = await run(argv)
      expect(result.exit, result.stderr).to.equal(0)
      return (result.result as {interactive: boolean}).interactive
    }

    it('--interactive and --no-interactive decide, whatever CI and the terminals say', async () => {
      process.env.CI = 'true'
      terminalsAre(false)
      expect(await decided(['--interactive'])).to.equal(true)
      delete process.env.CI
      terminalsAre(true)
      expect(await decided(['--no-interactive'])).to.equal(false)
    })

    it('[stdin/stdout marked as terminals] without the flag: interactive unless CI is set (any non-empty value, as in Python) or --json', async () => {
      terminalsAre(true)
      expect(await decided([])).to.equal(true)
      for (const [ci, expected] of [
        ['true', false],
        ['1', false],
        ['false', false],
        ['0', false],
      ] as const) {
        process.env.CI = ci

        expect(await decided([]), `CI=${ci}`).to.equal(expected)
      }

      delete process.env.CI
      expect(await decided(['--json'])).to.equal(false)
      expect(await decided(['--json', '--interactive'])).to.equal(true)
    })

    it('[stdin/stdout marked as pipes] without the flag: not interactive', async () => {
      terminalsAre(false)
      expect(await decided([])).to.equal(false)
    })
  })

  describe('output and services', () => {
    it('say() writes a line to stderr, and nothing with --json; warn() is a "Warning:" line; --json prints the result', async () => {
      Probe.body = async (probe) => {
        probe.tell('Switched to profile alpha.')
        probe.warn('careful')
        return {name: 'alpha'}
      }

      expect(await run([])).to.deep.include({stderr: 'Switched to profile alpha.\nWarning: careful\n', stdout: ''})
      const json = await run(['--json'])
      expect(json.stderr).to.equal('Warning: careful\n')
      expect(JSON.parse(json.stdout)).to.deep.equal({name: 'alpha'})
    })

    it('services come from the class’s servicesFactory once per run, given the config dir, version and a warn that prints', async () => {
      const contexts: ServiceContext[] = []
      Probe.servicesFactory = (ctx) => {
        contexts.push(ctx)
        return new DefaultServices({...ctx, configDir: temp.dir})
      }

      Probe.body = async (probe) => {
        const first = probe.servicesOfRun
        expect(probe.servicesOfRun).to.equal(first)
        return first.environmentStore.current()
      }

      const result = await run([])
      expect((result.result as {apiUrl: string}).apiUrl).to.equal(DEFAULT_API_URL)
      expect(contexts).to.have.length(1)
      // Standalone, the version is the llamactl release the package implements (package.json), not its own.
      expect(contexts[0]).to.deep.include({
        configDir: config.configDir,
        version: (config.pjson as unknown as {llamactl: {implements: string}}).llamactl.implements,
      })
      expect(contexts[0].env).to.equal(process.env)
      const warned = await captureOutput(async () => contexts[0].warn('from a service'))
      expect(warned.stderr).to.equal('Warning: from a service\n')
    })

    it('profileName takes the NAME argument, or asks the prompter the services provide, the current profile preselected', async () => {
      const prompter = new ScriptedPrompter(['beta'])
      Probe.servicesFactory = (ctx) => new DefaultServices({...ctx, configDir: temp.dir}, {prompter: prompter.factory})
      const services = new DefaultServices({configDir: temp.dir, env: {}, version: '0', warn() {}})
      for (const name of ['alpha', 'beta']) await services.profileStore.save({apiUrl: DEFAULT_API_URL, authType: 'none', id: name, name, projectId: null})
      await services.profileStore.setCurrent(DEFAULT_API_URL, 'alpha')

      Probe.body = async (probe, {args}) => probe.pickProfileName(args.name, true)
      expect((await run(['gamma'])).result).to.equal('gamma')
      expect(prompter.asked).to.deep.equal([])
      expect((await run([])).result).to.equal('beta')
      expect(prompter.asked).to.deep.equal([{choices: ['alpha (no project)', 'beta (no project)'], initial: 0, kind: 'select', message: 'Pick a profile'}])
    })
  })
})
