// The bodies of the tests environments.test.ts (in-process) and environments.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'
import type {CliResult, RunOptions} from '../../support/cli.js'
import {tempConfigDir} from '../../support/cli.js'
import {TestControlPlane} from '../../support/control-plane-server.js'
import {fails, Fixture, json, ok} from '../../support/fixture.js'

const CLOUD = 'https://api.cloud.llamaindex.ai'

/** get lists every environment sorted by URL, the built-in one included, in text, json, yaml and wide */
export async function getListsEveryEnvironmentSorted(f: Fixture): Promise<void> {
  const list = json(ok(await f.run(['environments', 'get', '-o', 'json'])))
  expect(list).to.deep.equal([
    {api_url: f.server.url, requires_auth: true, active: true},
    {api_url: CLOUD, requires_auth: true, active: false},
  ])
  expect(Object.keys(list[0])).to.deep.equal(['api_url', 'requires_auth', 'active'])
  expect(parseYaml(ok(await f.run(['environments', 'get', '-o', 'yaml'])).stdout)).to.deep.equal(list)
  expect(json(ok(await f.run(['environments', 'get', '--json'])))).to.deep.equal(list)
  const pad = ' '.repeat(CLOUD.length - 'API_URL'.length)
  expect(ok(await f.run(['environments', 'get'])).stdout).to.equal(
    [`API_URL${pad}  REQUIRES_AUTH  ACTIVE`, `${f.server.url.padEnd(CLOUD.length)}  yes            yes`, `${CLOUD}  yes            no`, ''].join('\n'),
  )
  const wide = ok(await f.run(['environments', 'get', '-o', 'wide'])).stdout
  expect(wide).to.match(/^API_URL +REQUIRES_AUTH +ACTIVE +MIN_LLAMACTL_VERSION +CAPABILITIES\n/)
  expect(wide).to.include('deployments')
}

/** use switches (its last profile comes back), and says when profiles exist but none is current */
export async function useSwitchesItsLastProfile(f: Fixture): Promise<void> {
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'one']))
  const other = await new TestControlPlane().start()
  try {
    ok(await f.run(['auth', 'env', 'add', other.url]))
    expect(ok(await f.run(['environments', 'use', other.url])).stderr).to.equal(`switched environment ${other.url}\n`)
  } finally {
    await other.stop()
  }

  const back = ok(await f.run(['environments', 'use', f.server.url]))
  expect(back.stderr).to.equal(`switched environment ${f.server.url}\n`)
  expect(json(ok(await f.run(['config', '-o', 'json']))).profile).to.equal('one')

  ok(await f.run(['environments', 'add', f.server.url]))
  // The environment service says it (the same line for auth env switch), naming the profiles.
  expect(ok(await f.run(['environments', 'use', f.server.url])).stderr).to.equal(
    `Warning: No profile is current in ${f.server.url}; it has one. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`)\nswitched environment ${f.server.url}\n`,
  )
}

/** delete removes it and its profiles; the default environment becomes current */
export async function deleteRemovesItAndItsProfiles(f: Fixture): Promise<void> {
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
  const deleted = ok(await f.run(['environments', 'delete', `${f.server.url}/`]))
  expect(deleted.stderr).to.equal(`deleted environment ${f.server.url} and associated profiles\n`)
  expect(json(ok(await f.run(['environments', 'get', '-o', 'json'])))).to.deep.equal([{api_url: CLOUD, requires_auth: true, active: true}])
  expect(f.configText()).not.to.include(f.key)
}

/** probes, stores and makes it current with no current profile (auth env add stores without switching); `run` runs the CLI in the lane's way */
export async function addProbesStoresAndMakesCurrent(run: (args: string[], options: RunOptions) => Promise<CliResult>): Promise<void> {
  const server = await new TestControlPlane({requiresAuth: false}).start()
  const other = await new TestControlPlane().start()
  const key = server.addKey()
  const {cleanup, dir} = tempConfigDir()
  const env = {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_SECRET_STORE: 'file'}
  try {
    const added = ok(await run(['environments', 'add', `${server.url}/`], {env}))
    expect(added.stderr).to.include(`added environment ${server.url} requires_auth=false min_llamactl_version=-\n`)
    expect(json(ok(await run(['config', '-o', 'json'], {env})))).to.deep.equal({
      environment: server.url,
      profile: null,
      project_id: null,
      project_name: null,
    })
    ok(await run(['auth', 'token', '--api-key', key, '--project-id', 'p1', '--name', 'k'], {env}))
    ok(await run(['environments', 'add', other.url], {env}))
    // auth env add keeps the seed's meaning: stored, not switched to.
    ok(await run(['auth', 'env', 'add', server.url], {env}))
    expect(json(ok(await run(['config', '-o', 'json'], {env}))).environment).to.equal(other.url)
    // environments add of a known one: current, and no profile current (as Python).
    ok(await run(['environments', 'add', server.url], {env}))
    expect(json(ok(await run(['config', '-o', 'json'], {env})))).to.include({environment: server.url, profile: null})
    expect(json(ok(await run(['auth', 'get', '-o', 'json'], {env})))).to.have.length(1)
    // Nothing stored when the probe fails.
    fails(await run(['environments', 'add', 'http://127.0.0.1:9'], {env}), 1, /127\.0\.0\.1:9/)
    const urls = json(ok(await run(['environments', 'get', '-o', 'json'], {env}))).map((e: {api_url: string}) => e.api_url)
    expect(urls).to.deep.equal([server.url, other.url, CLOUD].sort())
  } finally {
    await server.stop()
    await other.stop()
    cleanup()
  }
}
