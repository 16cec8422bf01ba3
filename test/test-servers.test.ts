import {expect} from 'chai'
import path from 'node:path'

import {cleanEnv, ROOT, run} from './fixtures/host/stage.js'

describe('the test servers are quiet (nothing of theirs in the test log)', function () {
  this.timeout(60_000)

  it('the OpenID provider starts, issues a device code and stops without a warning (no development adapter, no runtime notice)', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'support', 'oidc-provider-once.ts')], {
      cwd: ROOT,
      env: cleanEnv({HOME: process.env.HOME}),
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout, 'the positive control: the adapter stored a device code').to.match(/^200 [A-Z]{4}-[A-Z]{4}\n$/)
    expect(result.stderr).to.equal('')
  })

  it('the test session bus (scripts/session-bus-daemon.sh) starts and ends without a line on stderr, fd limit or not', async () => {
    const daemon = path.join(ROOT, 'scripts', 'session-bus-daemon.sh')
    const env = cleanEnv({HOME: process.env.HOME})
    const session = await run(
      'dbus-run-session',
      [
        `--dbus-daemon=${daemon}`,
        '--',
        'dbus-send',
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.GetId',
      ],
      {env},
    )
    expect(session.code, session.stderr).to.equal(0)
    expect(session.stdout, 'the positive control: the bus answered').to.match(/string "[0-9a-f]{32}"/)
    expect(session.stderr).to.equal('')
    // Where the plain daemon does warn (root in a container), the comparison shows what was silenced.
    const plain = await run('dbus-run-session', ['--', 'true'], {env})
    if (plain.stderr) expect(plain.stderr).to.match(/^dbus-daemon\[\d+\]/)
  })
})
