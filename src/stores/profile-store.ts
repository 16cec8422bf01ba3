import {CliError} from '../errors.js'
import {compareNames, type ProfileRecord} from '../model.js'
import type {StateDocument} from './schema.js'
import {StateStore} from './state-store.js'

/** Profiles in the config, always within one environment, and the current one per environment. */
export class ProfileStore {
  constructor(private readonly store: StateStore) {}

  /** The environment's current profile, or null. */
  async current(apiUrl: string): Promise<null | ProfileRecord> {
    const doc = await this.store.read()
    const name = doc.environments.find((env) => env.apiUrl === apiUrl)?.currentProfile
    return doc.profiles.find((p) => p.apiUrl === apiUrl && p.name === name) ?? null
  }

  /** Profiles of one environment, sorted by name. */
  async list(apiUrl: string): Promise<ProfileRecord[]> {
    const doc = await this.store.read()
    return doc.profiles.filter((p) => p.apiUrl === apiUrl).sort((a, b) => compareNames(a.name, b.name))
  }

  /** Removes a profile; when it was current, no profile is current afterwards. */
  async remove(apiUrl: string, name: string): Promise<ProfileRecord> {
    return this.store.update((doc) => {
      const profile = this.require(doc, apiUrl, name)
      doc.profiles = doc.profiles.filter((p) => p !== profile)
      const env = doc.environments.find((e) => e.apiUrl === apiUrl)
      if (env?.currentProfile === name) env.currentProfile = null
      return profile
    })
  }

  /** A profile by name; an unknown one is an error that lists the environment's profiles. */
  async get(apiUrl: string, name: string): Promise<ProfileRecord> {
    return this.require(await this.store.read(), apiUrl, name)
  }

  /**
   * Saves a profile and makes it current, in place of `replacing` (same key, same login
   * subject) when given. A name held by any other profile of the environment is an error:
   * saving never drops or overwrites another profile.
   */
  async save(profile: ProfileRecord, replacing?: null | ProfileRecord): Promise<{created: boolean}> {
    return this.store.update((doc) => {
      const clash = doc.profiles.find((p) => p.apiUrl === profile.apiUrl && p.name === profile.name && p.id !== replacing?.id)
      if (clash)
        throw new CliError(`A profile named "${profile.name}" already exists in ${profile.apiUrl}`, {
          code: 'name_taken',
          suggestion: `Choose another name with --name, or remove it first with \`llamactl auth logout ${profile.name}\``,
        })
      const before = doc.profiles.length
      doc.profiles = doc.profiles.filter((p) => p.id !== replacing?.id)
      const created = doc.profiles.length === before
      doc.profiles.push(profile)
      this.environment(doc, profile.apiUrl).currentProfile = profile.name
      return {created}
    })
  }

  /** Makes a profile current in its environment (null: none). */
  async setCurrent(apiUrl: string, name: null | string): Promise<null | ProfileRecord> {
    return this.store.update((doc) => {
      const profile = name === null ? null : this.require(doc, apiUrl, name)
      this.environment(doc, apiUrl).currentProfile = name
      return profile
    })
  }

  /** Changes a profile's active project. */
  async setProject(apiUrl: string, name: string, projectId: string): Promise<ProfileRecord> {
    return this.store.update((doc) => {
      const profile = this.require(doc, apiUrl, name)
      profile.projectId = projectId
      return profile
    })
  }

  /**
   * Records the id of a login profile's newly minted key, finding the profile by its stable id;
   * returns the id it replaces, as the file had it.
   */
  async setKeyId(id: string, keyId: string): Promise<string | undefined> {
    return this.store.update((doc) => {
      const profile = doc.profiles.find((p) => p.id === id)
      if (!profile) throw new CliError('The profile was removed meanwhile', {code: 'unknown_profile', suggestion: 'Run `llamactl auth list`'})
      const previous = profile.keyId
      profile.keyId = keyId
      return previous
    })
  }

  private environment(doc: StateDocument, apiUrl: string) {
    const env = doc.environments.find((e) => e.apiUrl === apiUrl)
    if (!env) throw new CliError(`No environment ${apiUrl}`, {code: 'unknown_environment', suggestion: 'Run `llamactl auth env list`'})
    return env
  }

  private require(doc: StateDocument, apiUrl: string, name: string): ProfileRecord {
    const profile = doc.profiles.find((p) => p.apiUrl === apiUrl && p.name === name)
    if (profile) return profile
    const names = doc.profiles.filter((p) => p.apiUrl === apiUrl).map((p) => p.name)
    throw new CliError(`No profile named "${name}" in ${apiUrl}`, {
      code: 'unknown_profile',
      suggestion: names.length > 0 ? `Profiles here: ${names.join(', ')}` : 'There are none yet; create one with `llamactl auth token`',
    })
  }
}
