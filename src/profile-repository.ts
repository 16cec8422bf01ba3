import {CliError} from './errors.js'
import {ProfileRecord, StateDocument} from './state/schema.js'
import {StateStore} from './state/state-store.js'

export type NewProfile = Omit<ProfileRecord, 'id'>

/** The account under which a profile's secrets are stored. */
export const secretAccount = (profile: Pick<ProfileRecord, 'id'>): string => `profile:${profile.id}`

/** Profiles in the config, always within one environment, and the current one per environment. */
export class ProfileRepository {
  constructor(private readonly store: StateStore) {}

  /** The environment's current profile, or null. */
  async current(apiUrl: string): Promise<null | ProfileRecord> {
    const doc = await this.store.read()
    const name = doc.environments.find((env) => env.apiUrl === apiUrl)?.currentProfile
    return doc.profiles.find((p) => p.apiUrl === apiUrl && p.name === name) ?? null
  }

  /** Finds a profile by name in an environment, or null. */
  async find(apiUrl: string, name: string): Promise<null | ProfileRecord> {
    return (await this.list(apiUrl)).find((p) => p.name === name) ?? null
  }

  /** Profiles of one environment, sorted by name. */
  async list(apiUrl: string): Promise<ProfileRecord[]> {
    const doc = await this.store.read()
    return doc.profiles.filter((p) => p.apiUrl === apiUrl).sort((a, b) => a.name.localeCompare(b.name))
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

  /**
   * Saves a profile and makes it current. `sameAs` picks an existing profile of the
   * environment to update instead of adding a twin (same key, same login subject); a
   * profile of the same name is replaced too.
   */
  async save(profile: NewProfile, sameAs?: (existing: ProfileRecord) => boolean): Promise<{created: boolean; profile: ProfileRecord}> {
    return this.store.update((doc) => {
      const inEnv = doc.profiles.filter((p) => p.apiUrl === profile.apiUrl)
      const existing = inEnv.find((p) => sameAs?.(p)) ?? inEnv.find((p) => p.name === profile.name)
      const saved: ProfileRecord = {...profile, id: existing?.id ?? globalThis.crypto.randomUUID()}
      // A rename must not collide with another profile of that name.
      doc.profiles = doc.profiles.filter((p) => p !== existing && !(p.apiUrl === profile.apiUrl && p.name === profile.name))
      doc.profiles.push(saved)
      this.environment(doc, profile.apiUrl).currentProfile = saved.name
      return {created: !existing, profile: saved}
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
