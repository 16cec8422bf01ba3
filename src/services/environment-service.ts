import {isSecureUrl, normalizeApiUrl} from '../api-url.js'
import type {EnvironmentStore} from '../stores/environment-store.js'
import {compareVersions} from './version.js'
import type {ControlPlaneClient, VersionInfo} from '../net/control-plane-client.js'
import type {ProfileStore} from '../stores/profile-store.js'
import type {ProfileService} from './profile-service.js'
import type {EnvironmentRecord} from '../model.js'
import type {EnvironmentDeleteJson} from '../ui/views.js'

export interface EnvironmentServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  environments: EnvironmentStore
  profiles: ProfileStore
  /** Loaded only when an environment with profiles is deleted. */
  profileService: () => Promise<ProfileService>
  /** This llamactl's version, to compare with what a server accepts. */
  version: string
  warn: (message: string) => void
}

const fromProbe = (info: VersionInfo) => ({capabilities: info.capabilities, minLlamactlVersion: info.minLlamactlVersion, requiresAuth: info.requiresAuth})

/** Adding, switching and deleting environments, with the server probes they involve. */
export class EnvironmentService {
  constructor(private readonly deps: EnvironmentServiceDeps) {}

  /**
   * Probes the server and inserts or updates the environment; nothing is stored if the probe
   * fails. `use` also makes it current with no current profile (`environments add`).
   */
  async add(input: string, options: {use?: boolean} = {}): Promise<EnvironmentRecord> {
    const apiUrl = normalizeApiUrl(input)
    const info = await this.probe(apiUrl)
    const url = new URL(apiUrl)
    if (!isSecureUrl(url)) this.deps.warn(`${apiUrl} uses plain http: API keys sent to it can be read on the network. Use https unless the network is trusted`)
    return this.deps.environments.upsert(apiUrl, fromProbe(info), options)
  }

  /**
   * Removes an environment and its profiles: login profiles' minted keys are revoked (best
   * effort) and every profile's secrets deleted first, then the config entries.
   */
  async delete(input: string): Promise<EnvironmentDeleteJson> {
    const apiUrl = normalizeApiUrl(input)
    await this.deps.environments.assertDeletable(apiUrl)
    const profiles = await this.deps.profiles.list(apiUrl)
    if (profiles.length > 0) {
      const profileService = await this.deps.profileService()
      for (const profile of profiles) {
        await profileService.discard(profile)
      }
    }

    const {currentEnvironment, profiles: removed} = await this.deps.environments.delete(apiUrl)
    return {apiUrl, currentEnvironment, removedProfiles: removed.length}
  }

  /**
   * Makes a known environment current, refreshing its settings when the server answers. When it
   * has profiles but none is current, a warning says how to choose one.
   */
  async switch(input: string): Promise<EnvironmentRecord> {
    const apiUrl = normalizeApiUrl(input)
    // Fail on an unknown URL before touching the network.
    await this.deps.environments.get(apiUrl)
    let info: undefined | VersionInfo
    try {
      info = await this.probe(apiUrl)
    } catch (error) {
      this.deps.warn(`Switched, but could not refresh the settings of ${apiUrl}: ${(error as Error).message}`)
    }

    const env = await this.deps.environments.switch(apiUrl, info && fromProbe(info))
    if (!env.currentProfile) {
      const names = (await this.deps.profiles.list(apiUrl)).map((p) => p.name)
      if (names.length > 0)
        this.deps.warn(
          `No profile is current in ${apiUrl}; it has ${names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ')}. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`)`,
        )
    }

    return env
  }

  private async probe(apiUrl: string): Promise<VersionInfo> {
    const info = await this.deps.client(apiUrl).probeVersion()
    if (info.minLlamactlVersion && compareVersions(this.deps.version, info.minLlamactlVersion) < 0)
      this.deps.warn(`${apiUrl} requires llamactl ${info.minLlamactlVersion} or newer; this is ${this.deps.version}. Upgrade llamactl before using it`)
    return info
  }
}
