import {Config} from '@oclif/core'
import {expect} from 'chai'

import {routeArgv} from '../src/route-argv.js'
import {closestFlag} from '../src/ui/suggest.js'
import {ROOT} from './support/cli.js'

// What the Python llamactl 0.10.3 runs (facts from runs of it and its source,
// llama_agents/cli/commands/aliased_group.py): its root group takes any unique prefix of its
// command words (`env`, `proj get`, `conf`; `p` is "Too many matches: pkg, projects"), its
// subgroups only whole words (`projects g` is "No such command 'g'"), and a group's own option
// --native-tls may stand between the group and the subcommand (`auth --native-tls get`); any
// other option there is "No such option" (exit 2).
describe('routeArgv: the Python llamactl routing where oclif’s differs (standalone, bin/run.js)', () => {
  let config: Config
  const route = (line: string) => routeArgv(config, line.split(' ').filter(Boolean))

  before(async () => {
    config = await Config.load(ROOT)
  })

  it('a flag between a group and its subcommand moves after the command words (`auth --native-tls get -o json`)', () => {
    expect(route('auth --native-tls get -o json')).to.deep.equal({argv: ['auth', 'get', '--native-tls', '-o', 'json']})
    expect(route('--native-tls auth get')).to.deep.equal({argv: ['auth', 'get', '--native-tls']})
    expect(route('auth --native-tls env --native-tls list')).to.deep.equal({argv: ['auth', 'env', 'list', '--native-tls', '--native-tls']})
    expect(route('auth exec --native-tls -- env')).to.deep.equal({argv: ['auth', 'exec', '--native-tls', '--', 'env']})
  })

  it('any other flag there, or a group left without its subcommand, is a usage error (never help and exit 0)', () => {
    expect(route('auth --bogus get')).to.deep.equal({error: 'No such option for `llamactl auth`: --bogus. See `llamactl auth --help`'})
    expect(route('auth --native-tl get')).to.deep.equal({
      error: 'No such option for `llamactl auth`: --native-tl. Did you mean --native-tls? See `llamactl auth --help`',
    })
    expect(route('auth --api-key=llx-secret get')).to.deep.equal({error: 'No such option for `llamactl auth`: --api-key=…. See `llamactl auth --help`'})
    expect(route('auth --native-tls')).to.deep.equal({error: 'Missing a command after `llamactl auth`. See `llamactl auth --help`'})
    expect(route('--native-tls')).to.deep.equal({error: 'Missing a command after `llamactl`. See `llamactl --help`'})
  })

  it('a unique prefix of a top-level word is that word; an ambiguous one (among Python’s words) is a usage error', () => {
    expect(route('env use https://x.example.com')).to.deep.equal({argv: ['environments', 'use', 'https://x.example.com']})
    expect(route('proj get')).to.deep.equal({argv: ['projects', 'get']})
    expect(route('org get -o json')).to.deep.equal({argv: ['organizations', 'get', '-o', 'json']})
    expect(route('conf -o json')).to.deep.equal({argv: ['config', '-o', 'json']})
    expect(route('p')).to.deep.equal({error: '"llamactl p" matches more than one command: pkg, projects. See `llamactl --help`'})
    expect(route('co')).to.deep.equal({error: '"llamactl co" matches more than one command: completion, config. See `llamactl --help`'})
    // Python's subgroups take whole words only: left to oclif and the not-found hook.
    expect(route('projects g')).to.deep.equal({argv: ['projects', 'g']})
    // A prefix of a Python word this CLI doesn't have is left alone (the not-found hook answers it).
    expect(route('deploy list')).to.deep.equal({argv: ['deploy', 'list']})
  })

  it('everything else passes unchanged: whole commands, their flags and arguments, help, --version, --', () => {
    for (const line of [
      'auth get -o json',
      'auth login --no-interactive',
      'auth token --api-key llx-1',
      'help auth',
      'auth --help',
      '--version',
      'auth get env',
      'bogus words',
    ])
      expect(route(line), line).to.deep.equal({argv: line.split(' ')})
  })

  it('closestFlag: the one flag a prefix extends, else the nearest within two edits', () => {
    expect(closestFlag('--project', ['--profile', '--project-id'])).to.equal('--project-id')
    expect(closestFlag('--profle', ['--profile', '--project-id'])).to.equal('--profile')
    expect(closestFlag('--pro', ['--profile', '--project-id'])).to.equal(undefined)
    expect(closestFlag('--zzzzzz', ['--profile'])).to.equal(undefined)
  })
})
