import {expect} from 'chai'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {complete} from '../../src/completion/complete.js'
import {serverValues} from '../../src/completion/server-values.js'
import {answersVersion, HostileServer, sendJson} from '../support/hostile-server.js'
import {ROOT} from '../support/cli.js'

// What the CLI refuses as a project id or shows escaped in a name: bidi override, line and
// paragraph separators, zero-width space, and a C1 control.
const HOSTILE = ['evil\u202Egnp.exe', 'line\u2028break', 'para\u2029sep', 'zero\u200Bwidth', 'csi\u009B31m']

describe('completion offers only what the CLI itself takes (the printable and project-id rules of the model)', () => {
  let tmp: string
  let server: HostileServer
  let projects: unknown[]
  const configDir = () => path.join(tmp, 'config')

  const writeConfig = (names: string[]) =>
    writeFileSync(
      path.join(configDir(), 'config.json'),
      JSON.stringify({
        currentEnvironment: server.url,
        environments: [{apiUrl: server.url, currentProfile: null, minLlamactlVersion: null, requiresAuth: false}],
        profiles: names.map((name, i) => ({apiUrl: server.url, authType: 'none', id: `id-${i}`, name, projectId: null})),
        schemaVersion: 1,
      }),
    )

  before(async () => {
    server = await new HostileServer((req, res) => {
      if (answersVersion(req, res)) return
      if (req.url?.startsWith('/api/v1beta1/deployments/list-projects')) return sendJson(res, 200, {projects})
      sendJson(res, 404, {detail: 'Not Found'})
    }).start()
  })
  after(() => server.stop())
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-printable-'))
    mkdirSync(configDir())
  })
  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  const request = () => ({cacheDir: path.join(tmp, 'cache'), configDir: configDir(), env: {}, kind: 'project' as const, timeoutMs: 5000})

  it('a server list with a project id the CLI refuses (U+202E, U+2028, …) completes nothing from it, as `projects get` fails on it', async () => {
    writeConfig([])
    projects = [{deployment_count: 0, project_id: 'fine', project_name: 'Fine'}]
    expect((await serverValues(request())).map((c) => c.value)).to.deep.equal(['fine'])
    for (const id of HOSTILE) {
      rmSync(path.join(tmp, 'cache'), {force: true, recursive: true})
      projects = [
        {deployment_count: 0, project_id: 'fine', project_name: 'Fine'},
        {deployment_count: 0, project_id: id, project_name: null},
      ]
      expect(await serverValues(request()), JSON.stringify(id)).to.deep.equal([])
    }
  })

  it('a project name with bidi or control characters is shown escaped, as text output shows it', async () => {
    writeConfig([])
    projects = [{deployment_count: 0, project_id: 'p', project_name: 'a\u202Eb\u001B[31m'}]
    expect(await serverValues(request())).to.deep.equal([{description: 'a\\u202eb\\u001b[31m', value: 'p'}])
  })

  it('profile names that would not show as themselves are not offered; the others are', async () => {
    writeConfig(['ok', ...HOSTILE])
    const found = await complete(['auth', 'use'], '', {env: {LLAMACTL_CONFIG_DIR: configDir(), XDG_DATA_HOME: path.join(tmp, 'd')}, home: tmp, root: ROOT})
    expect(found.map((c) => c.value)).to.deep.equal(['ok'])
  })
})
