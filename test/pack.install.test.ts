import {expect} from 'chai'
import {mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {cleanEnv, ROOT, run, stageCheckout, tempDir} from './fixtures/host/stage.js'

/**
 * `npm pack` as a release makes it, its prepack and postpack run: the tarball is built, and its
 * package.json has no `prepare` (that builds a git checkout; a tarball is built already, and npm
 * 11 asks a user to allow a package's prepare on every install of it).
 */
describe('npm pack with its scripts: a tarball without a prepare script', function () {
  this.timeout(420_000)
  let tmp: string

  before(() => {
    tmp = tempDir('llamactl-pack-')
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  it('ships a package.json without prepare, leaves the checkout as it was, and installs without an install-scripts warning naming it', async () => {
    const stage = stageCheckout(tmp)
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir')
    const before = readFileSync(path.join(stage, 'package.json'), 'utf8')
    const npmEnv = cleanEnv({
      HOME: tmp,
      npm_config_cache: path.join(tmp, 'npm-cache'),
      npm_config_update_notifier: 'false',
      OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    })
    const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], {cwd: stage, env: npmEnv, timeoutMs: 300_000})
    expect(packed.code, packed.stderr).to.equal(0)
    const tgz = path.join(tmp, JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0].filename)

    const shipped = await run('tar', ['-xzOf', tgz, 'package/package.json'])
    const pjson = JSON.parse(shipped.stdout) as {scripts: Record<string, string>}
    expect(pjson.scripts).to.not.have.property('prepare')
    expect(pjson.scripts).to.have.property('prepack')
    expect(readFileSync(path.join(stage, 'package.json'), 'utf8'), 'postpack put package.json back').to.equal(before)

    const project = path.join(tmp, 'project')
    mkdirSync(project)
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({name: 'project', private: true}))
    const installed = await run('npm', ['install', '--no-audit', '--no-fund', tgz], {cwd: project, env: npmEnv, timeoutMs: 300_000})
    expect(installed.code, installed.stderr).to.equal(0)
    expect(installed.stderr).to.not.match(/@llamactl\/plugin-auth@[^\n]*prepare/)
  })
})
