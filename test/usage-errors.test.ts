import {Config, Flags} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'

import {BaseCommand} from '../src/base-command.js'
import {unexpectedArgumentsLine} from '../src/hooks/command-not-found.js'
import AuthExec from '../src/commands/auth/exec.js'
import {ROOT} from './support/cli.js'

/** A new command as one would write it: no arguments, one flag, nothing about strict mode. */
class Plain extends BaseCommand<unknown> {
  static override flags = {'project-id': Flags.string({description: 'a project'})}

  async run(): Promise<unknown> {
    await this.parse(Plain)
    return {ran: true}
  }
}

describe('usage errors: one line, exit 2, and what to type instead', () => {
  let config: Config

  before(async () => {
    config = await Config.load(ROOT)
  })

  async function run(command: typeof AuthExec | typeof Plain, argv: string[]) {
    const out = await captureOutput<unknown>(() => command.run(argv, config))
    return {exit: out.error ? (out.error as {oclif?: {exit?: number}}).oclif?.exit : 0, stderr: out.stderr, stdout: out.stdout}
  }

  it('a command without arguments that says nothing of strict mode refuses an extra argument (redacted when key-like)', async () => {
    // Run directly (as a host or a test would), oclif's parse refuses it, and BaseCommand.parse words it.
    expect(await run(Plain, ['extra'])).to.deep.include({exit: 2, stderr: 'Error: Unexpected argument: extra. See `llamactl plain --help`\n'})
    const pasted = await run(Plain, ['llx-abcdefghijklmnopqrstuvwxyz0123'])
    expect(pasted.exit).to.equal(2)
    expect(pasted.stderr).not.to.include('abcdefghijklmnop')
    expect(await run(Plain, ['--project-id', 'p1'])).to.deep.include({exit: 0})
  })

  it('through oclif’s router the extra word becomes part of the id (`auth list extra`): the not-found hook says the same line', () => {
    expect(unexpectedArgumentsLine(config, 'auth:list:extra')).to.equal('Unexpected argument: extra. See `llamactl auth list --help`')
    expect(unexpectedArgumentsLine(config, 'config:a:llx-abcdefghijklmnopqrstuvwxyz')).to.equal(
      'Unexpected arguments: a, llx-ab****wxyz. See `llamactl config --help`',
    )
    expect(unexpectedArgumentsLine(config, 'auth:tokn')).to.equal(undefined)
    // No command of the plugin sets strict mode to get this (it used to take `strict = false` in ten of them).
    expect(
      Object.values(config.commands)
        .filter((c) => c.pluginName === '@llamactl/plugin-auth' && c.strict === false)
        .map((c) => c.id),
    ).to.deep.equal([])
  })

  it('a mistyped flag gets the closest one: `Did you mean --project-id?`', async () => {
    expect(await run(Plain, ['--project', 'p1'])).to.deep.include({
      exit: 2,
      stderr: 'Error: Nonexistent flag: --project. Did you mean --project-id? See `llamactl plain --help`\n',
    })
    expect(await run(Plain, ['--jsn'])).to.deep.include({exit: 2, stderr: 'Error: Nonexistent flag: --jsn. Did you mean --json? See `llamactl plain --help`\n'})
    // Nothing close: no guess.
    expect(await run(Plain, ['--zzzzzzzz'])).to.deep.include({exit: 2, stderr: 'Error: Nonexistent flag: --zzzzzzzz. See `llamactl plain --help`\n'})
  })

  it('auth exec without -- says to put the command after -- (`auth exec env`, `auth exec ls -la`)', async () => {
    const hint = 'Put the command after --, e.g. `llamactl auth exec -- env` or `llamactl auth exec -- ls -la`'
    expect(await run(AuthExec, ['env'])).to.deep.include({exit: 2, stderr: `Error: Unexpected argument: env. ${hint}\n`})
    const flags = await run(AuthExec, ['ls', '-la'])
    expect(flags.exit).to.equal(2)
    expect(flags.stderr).to.match(/^Error: Nonexistent flag: -l….*\. Put the command after --/)
    expect(await run(AuthExec, [])).to.deep.include({exit: 2, stderr: `Error: Missing the command to run. ${hint}\n`})
  })
})
