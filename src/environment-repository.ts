import {CliError, UsageError} from './errors.js'
import {DEFAULT_API_URL, EnvironmentRecord, ProfileRecord} from './state/schema.js'
import {StateStore} from './state/state-store.js'

/** Whether a URL points at this machine (127.0.0.0/8, ::1, localhost), where plain http can't be overheard. */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname)
}

/** Validates and normalises an API URL: http(s) only, no trailing slash, no query or fragment. */
export function normalizeApiUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new UsageError(`"${input}" is not a URL`, 'Give the control plane API URL, e.g. https://api.cloud.llamaindex.ai')
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`"${input}" is not an http(s) URL`, 'Give the control plane API URL, e.g. https://api.cloud.llamaindex.ai')
  if (url.username || url.password) throw new UsageError('The API URL must not contain credentials', 'Remove user:password@ from it')
  url.search = ''
  url.hash = ''
  return url.toString().replace(/\/+$/, '')
}

export interface EnvironmentUpdate {
  minLlamactlVersion: null | string
  requiresAuth: boolean
}

/** Environments in the config: which exist, which is current, and what their servers reported. */
export class EnvironmentRepository {
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
   * see EnvironmentService.delete); returns the removed profiles.
   */
  async delete(apiUrl: string): Promise<{becameCurrent?: string; profiles: ProfileRecord[]}> {
    await this.assertDeletable(apiUrl)
    return this.store.update((doc) => {
      this.require(doc.environments, apiUrl)
      const profiles = doc.profiles.filter((p) => p.apiUrl === apiUrl)
      doc.environments = doc.environments.filter((env) => env.apiUrl !== apiUrl)
      doc.profiles = doc.profiles.filter((p) => p.apiUrl !== apiUrl)
      if (doc.currentEnvironment !== apiUrl) return {profiles}
      doc.currentEnvironment = DEFAULT_API_URL
      return {becameCurrent: DEFAULT_API_URL, profiles}
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

  /** Inserts an environment or updates what its server reported. */
  async upsert(apiUrl: string, update: EnvironmentUpdate): Promise<EnvironmentRecord> {
    return this.store.update((doc) => {
      let env = doc.environments.find((e) => e.apiUrl === apiUrl)
      if (!env) {
        env = {apiUrl, currentProfile: null, ...update}
        doc.environments.push(env)
      }

      Object.assign(env, update)
      return env
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
