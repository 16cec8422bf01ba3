import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {DefaultServices, ServiceOverrides} from '../../src/services/factory.js'
import type {EnvironmentRecord, StateDocument} from '../../src/stores/schema.js'
import {tempConfigDir} from './cli.js'
import {ControlPlaneOptions, TestControlPlane} from './control-plane-server.js'
import {readSecrets} from './login-session.js'

export {rejection} from './rejection.js'

export interface InProcess {
  cleanup(): Promise<void>
  /** config.json as parsed now (a fresh read, not the stores' cache). */
  config(): StateDocument
  /** The test control plane's environment, added and made current. */
  env: EnvironmentRecord
  dir: string
  /** The test control plane's one registered API key. */
  key: string
  /** The file secret store's content by account, read from disk. */
  secrets(): ReturnType<typeof readSecrets>
  /** Makes every secret store access fail for real: a directory where secrets.json belongs. */
  breakSecretStore(): void
  server: TestControlPlane
  services: DefaultServices
  warnings: string[]
}

/**
 * The real services in this process: DefaultServices over a temp config dir, the file secret
 * store (LLAMACTL_SECRET_STORE=file, as the CLI reads it), real HTTP clients and a loopback test
 * control plane that is the current environment. Overrides (a scripted prompter, say) go to the
 * factory as a host CLI would pass them.
 */
export async function inProcess(options: ControlPlaneOptions & {overrides?: ServiceOverrides} = {}): Promise<InProcess> {
  const server = await new TestControlPlane(options).start()
  const key = server.addKey()
  const {cleanup, dir} = tempConfigDir()
  const warnings: string[] = []
  const services = new DefaultServices(
    {
      configDir: dir,
      env: {LLAMACTL_HTTP_TIMEOUT_MS: '3000', LLAMACTL_SECRET_STORE: 'file'},
      version: '0.1.0',
      warn: (message) => warnings.push(message),
    },
    options.overrides,
  )
  await services.environmentStore.upsert(server.url, {minLlamactlVersion: null, requiresAuth: options.requiresAuth ?? true})
  const env = await services.environmentStore.switch(server.url)
  return {
    breakSecretStore() {
      mkdirSync(path.join(dir, 'secrets.json'))
    },
    async cleanup() {
      await server.stop()
      cleanup()
    },
    config() {
      const file = path.join(dir, 'config.json')
      return JSON.parse(existsSync(file) ? readFileSync(file, 'utf8') : 'null') as StateDocument
    },
    dir,
    env: {...env},
    key,
    secrets: () => readSecrets(dir),
    server,
    services,
    warnings,
  }
}
