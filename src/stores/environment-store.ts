import {CliError} from '../errors.js'
import {DEFAULT_API_URL, type EnvironmentRecord, type ProfileRecord} from '../model.js'
import {StateStore} from './state-store.js'

export interface EnvironmentUpdate {
  capabilities?: string[]
  minLlamactlVersion: null | string
  requiresAuth: boolean
}

/** Environments in the config: which exist, which is current, and what their servers reported. */
export class EnvironmentStore {
  constructor(private readonly store: StateStore) {}

  /** The current environment. */
  async current(): Promise<EnvironmentRecord> {
    const doc = await this.store.read()
    return doc.environments.find((env) => env.apiUrl === doc.currentEnvironment)!
  }

  /** Fails unless `apiUrl` is a known environment other than the default one, which can't be deleted. */
  async assertDeletable(apiUrl: string): Promise<void> {
    if (apiUrl === DEFAULT_API_URL)
      throw new CliError(`${DEFAULT_API_URL} is the default environment and can't be deleted`, {
        code: 'default_environment',
        suggestion: 'Switch to another one with `llamactl auth env switch` instead',
      })
    await this.get(apiUrl)
  }

  /**
   * Removes an environment and its profiles from the config (their secrets are the caller's:
   * see EnvironmentService.delete); returns the removed profiles and the environment current afterwards.
   */
  async delete(apiUrl: string): Promise<{currentEnvironment: string; profiles: ProfileRecord[]}> {
    await this.assertDeletable(apiUrl)
    return this.store.update((doc) => {
      this.require(doc.environments, apiUrl)
      const profiles = doc.profiles.filter((p) => p.apiUrl === apiUrl)
      doc.environments = doc.environments.filter((env) => env.apiUrl !== apiUrl)
      doc.profiles = doc.profiles.filter((p) => p.apiUrl !== apiUrl)
      if (doc.currentEnvironment === apiUrl) doc.currentEnvironment = DEFAULT_API_URL
      return {currentEnvironment: doc.currentEnvironment, profiles}
    })
  }

  /** A known environment; an unknown one is an error that names `auth env add`. */
  async get(apiUrl: string): Promise<EnvironmentRecord> {
    return this.require((await this.store.read()).environments, apiUrl)
  }

  /** All environments and which is current. */
  async list(): Promise<{current: string; environments: EnvironmentRecord[]}> {
    const doc = await this.store.read()
    return {current: doc.currentEnvironment, environments: doc.environments}
  }

  /** Makes a known environment current, updating what its server reported when given. */
  async switch(apiUrl: string, update?: EnvironmentUpdate): Promise<EnvironmentRecord> {
    return this.store.update((doc) => {
      const env = this.require(doc.environments, apiUrl)
      if (update) Object.assign(env, update)
      doc.currentEnvironment = apiUrl
      return env
    })
  }

  /**
   * Inserts an environment or updates what its server reported. `use` makes it current with no
   * current profile, in the same update (the Python llamactl's `environments add`).
   */
  async upsert(apiUrl: string, update: EnvironmentUpdate, options: {use?: boolean} = {}): Promise<EnvironmentRecord> {
    return this.store.update((doc) => {
      let env = doc.environments.find((e) => e.apiUrl === apiUrl)
      if (!env) {
        env = {apiUrl, currentProfile: null, ...update}
        doc.environments.push(env)
      }

      Object.assign(env, update)
      if (options.use) {
        doc.currentEnvironment = apiUrl
        env.currentProfile = null
      }

      return env
    })
  }

  /** Records the capabilities a server reported, for an environment probed before they were kept. */
  async setCapabilities(apiUrl: string, capabilities: string[]): Promise<void> {
    await this.store.update((doc) => {
      const env = doc.environments.find((e) => e.apiUrl === apiUrl)
      if (env) env.capabilities = capabilities
    })
  }

  private require(environments: EnvironmentRecord[], apiUrl: string): EnvironmentRecord {
    const env = environments.find((e) => e.apiUrl === apiUrl)
    if (!env)
      throw new CliError(`No environment ${apiUrl}`, {
        code: 'unknown_environment',
        suggestion: `Add it with \`llamactl auth env add ${apiUrl}\``,
      })
    return env
  }
}
