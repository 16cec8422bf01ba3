import {Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import ConfigDestroy from '../../src/commands/config/destroy.js'
import ConfigShowDb from '../../src/commands/config/show-db.js'
import {DEFAULT_API_URL} from '../../src/model.js'
import {DefaultServices} from '../../src/services/factory.js'
import {ROOT} from '../support/cli.js'
import {InProcess, inProcess} from '../support/in-process.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

// The Python llamactl 0.10.3 has `config show-db` and `config destroy`, hidden, and names them in
// its hints (`auth show-db` → "Use `llamactl config show-db` instead."). show-db printed its
// profiles.db path on stderr; destroy asked "Are you sure you want to destroy all of your local
// logins? This action cannot be undone." when interactive, then printed "database destroyed".
describe('config show-db and config destroy (hidden, as in Python)', () => {
  let config: Config
  let f: InProcess
  const saved = {stdin: process.stdin.isTTY, stdout: process.stdout.isTTY, ci: process.env.CI}

  before(async () => {
    config = await Config.load(ROOT)
  })

  beforeEach(async () => {
    f = await inProcess()
    await (
      await f.services.profileService()
    ).create({apiUrl: f.env.apiUrl, authType: 'api-key', keyHint: 'llx-ci****1111', name: 'ci', projectId: 'p1'}, {apiKey: f.key})
  })

  afterEach(async () => {
    process.stdin.isTTY = saved.stdin
    process.stdout.isTTY = saved.stdout
    if (saved.ci === undefined) delete process.env.CI
    else process.env.CI = saved.ci
    await f.cleanup()
  })

  function use(prompter = new ScriptedPrompter()) {
    for (const command of [ConfigShowDb, ConfigDestroy])
      command.servicesFactory = (ctx) => new DefaultServices({...ctx, configDir: f.dir, env: {LLAMACTL_SECRET_STORE: 'file'}}, {prompter: prompter.factory})
    return prompter
  }

  it('show-db names config.json, secrets.json and a profiles.db beside them on stderr; --json gives the paths', async () => {
    use()
    writeFileSync(path.join(f.dir, 'profiles.db'), '')
    const out = await captureOutput(() => ConfigShowDb.run([], config))
    expect(out.stdout).to.equal('')
    expect(out.stderr.split('\n')[0]).to.equal(path.join(f.dir, 'config.json'))
    expect(out.stderr).to.include(
      `${path.join(f.dir, 'secrets.json')} (secrets when there is no OS keychain; LLAMACTL_SECRET_STORE=file uses it without a warning)`,
    )
    expect(out.stderr).to.include(`${path.join(f.dir, 'profiles.db')} (the Python llamactl's`)
    const json = await captureOutput(() => ConfigShowDb.run(['--json'], config))
    expect(JSON.parse(json.stdout)).to.deep.equal({
      config: path.join(f.dir, 'config.json'),
      pythonProfilesDb: path.join(f.dir, 'profiles.db'),
      secrets: path.join(f.dir, 'secrets.json'),
    })
  })

  it('destroy --force removes every profile and its secret, resets config.json and leaves profiles.db alone', async () => {
    use()
    writeFileSync(path.join(f.dir, 'profiles.db'), 'python data')
    const out = await captureOutput(() => ConfigDestroy.run(['--force'], config))
    expect(out.error, out.stderr).to.equal(undefined)
    // Not SQLite: the next-run sync says once that it brought nothing in, before destroy's line.
    expect(
      out.stderr
        .split('\n')
        .slice(0, -2)
        .every((line) => line.startsWith("Warning: The Python llamactl's changes were not brought in")),
    ).to.equal(true)
    expect(out.stderr).to.match(
      /(^|\n)database destroyed: 1 profile and their secrets removed\. The Python llamactl's profiles\.db, if any, is left alone\.\n$/,
    )
    expect(f.config()).to.deep.include({currentEnvironment: DEFAULT_API_URL, profiles: []})
    expect(f.config().environments.map((e) => e.apiUrl)).to.deep.equal([DEFAULT_API_URL])
    expect(JSON.stringify(f.secrets())).not.to.include(f.key)
    expect(readFileSync(path.join(f.dir, 'profiles.db'), 'utf8')).to.equal('python data')
    expect(existsSync(path.join(f.dir, 'config.json'))).to.equal(true)
  })

  it('destroy asks first when it can (No keeps everything), and without --force a run that cannot ask is exit 2', async () => {
    process.stdin.isTTY = true
    process.stdout.isTTY = true
    delete process.env.CI
    const prompter = use(new ScriptedPrompter(['No']))
    const kept = await captureOutput(() => ConfigDestroy.run([], config))
    expect(kept.error, kept.stderr).to.equal(undefined)
    expect(prompter.asked[0].message).to.equal('Are you sure you want to destroy all of your local logins? This action cannot be undone.')
    expect(f.config().profiles.map((p) => p.name)).to.deep.equal(['ci'])
    use(new ScriptedPrompter(['Yes']))
    await captureOutput(() => ConfigDestroy.run([], config))
    expect(f.config().profiles).to.deep.equal([])

    process.stdin.isTTY = false
    const refused = await captureOutput(() => ConfigDestroy.run([], config))
    expect((refused.error as {oclif?: {exit?: number}}).oclif?.exit).to.equal(2)
    expect(refused.stderr).to.equal(
      'Error: config destroy asks before removing every profile, and this run cannot ask. Pass --force to destroy without asking\n',
    )
  })
})
