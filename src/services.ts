import {EnvironmentRepository} from './environment-repository.js'
import {ProfileRepository} from './profile-repository.js'
import {StateStore} from './state/state-store.js'
import type {ControlPlaneClient} from './control-plane-client.js'
import type {EnvironmentService} from './environment-service.js'
import type {LoginService} from './login-service.js'
import type {ProfileService} from './profile-service.js'
import type {ProjectService} from './project-service.js'
import type {Prompter} from './prompter.js'
import type {SecretStore} from './secret-store.js'

export interface ServiceContext {
  configDir: string
  env: NodeJS.ProcessEnv
  /** The llamactl version (the host CLI's when installed as a plugin). */
  version: string
  /** Prints a warning line on stderr. */
  warn: (message: string) => void
}

export type ClientFactory = (apiUrl: string) => ControlPlaneClient

/**
 * What commands use, each built on first use. The config repositories are plain properties;
 * everything else is loaded on demand (its module included), so `auth list` loads only what
 * reads the config file.
 */
export interface Services {
  environmentService(): Promise<EnvironmentService>
  readonly environments: EnvironmentRepository
  /** Browser login; loads openid-client, so only `auth login` asks for it. */
  loginService(): Promise<LoginService>
  profileService(): Promise<ProfileService>
  readonly profiles: ProfileRepository
  projectService(): Promise<ProjectService>
  prompter(): Promise<Prompter>
  secrets(): Promise<SecretStore>
}

const positiveInt = (value: string | undefined): number | undefined => {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** The real services, built lazily from the command's context. */
export class DefaultServices implements Services {
  readonly environments: EnvironmentRepository
  readonly profiles: ProfileRepository
  private readonly state: StateStore
  private readonly cache = new Map<string, Promise<unknown>>()

  constructor(private readonly ctx: ServiceContext) {
    this.state = new StateStore(ctx.configDir)
    this.environments = new EnvironmentRepository(this.state)
    this.profiles = new ProfileRepository(this.state)
  }

  private get httpTimeoutMs(): number | undefined {
    return positiveInt(this.ctx.env.LLAMACTL_HTTP_TIMEOUT_MS)
  }

  environmentService(): Promise<EnvironmentService> {
    return this.once('environmentService', async () => {
      const [{EnvironmentService}, client] = await Promise.all([import('./environment-service.js'), this.clientFactory()])
      return new EnvironmentService({
        client,
        environments: this.environments,
        profiles: this.profiles,
        profileService: () => this.profileService(),
        version: this.ctx.version,
        warn: this.ctx.warn,
      })
    })
  }

  loginService(): Promise<LoginService> {
    return this.once('loginService', async () => {
      const [{LoginService}, client, profileService] = await Promise.all([import('./login-service.js'), this.clientFactory(), this.profileService()])
      return new LoginService({
        client,
        env: this.ctx.env,
        profileService,
        profiles: this.profiles,
        stderr: process.stderr,
        timeoutMs: this.httpTimeoutMs,
        warn: this.ctx.warn,
      })
    })
  }

  profileService(): Promise<ProfileService> {
    return this.once('profileService', async () => {
      const [{ProfileService}, client, secrets] = await Promise.all([import('./profile-service.js'), this.clientFactory(), this.secrets()])
      const refreshDeps = {client, secrets, timeoutMs: this.httpTimeoutMs}
      return new ProfileService({
        client,
        profiles: this.profiles,
        async refreshLogin(profile, seen) {
          const {refreshLoginTokens} = await import('./token-refresh.js')
          return refreshLoginTokens(refreshDeps, profile, seen)
        },
        secrets,
        warn: this.ctx.warn,
      })
    })
  }

  projectService(): Promise<ProjectService> {
    return this.once('projectService', async () => {
      const [{ProjectService}, client, profileService] = await Promise.all([import('./project-service.js'), this.clientFactory(), this.profileService()])
      return new ProjectService({client, profiles: this.profiles, profileService})
    })
  }

  prompter(): Promise<Prompter> {
    return this.once('prompter', async () => new (await import('./prompter.js')).EnquirerPrompter())
  }

  secrets(): Promise<SecretStore> {
    return this.once('secrets', async () => {
      const {SecretStore, secretStoreMode} = await import('./secret-store.js')
      return new SecretStore({
        dir: this.ctx.configDir,
        mode: secretStoreMode(this.ctx.env.LLAMACTL_SECRET_STORE),
        timeoutMs: positiveInt(this.ctx.env.LLAMACTL_KEYCHAIN_TIMEOUT_MS),
        warn: this.ctx.warn,
      })
    })
  }

  /** One client per API URL, sharing got's instance. */
  private clientFactory(): Promise<ClientFactory> {
    return this.once('clientFactory', async () => {
      const {ControlPlaneClient} = await import('./control-plane-client.js')
      const clients = new Map<string, ControlPlaneClient>()
      const options = {timeoutMs: this.httpTimeoutMs, userAgent: `llamactl/${this.ctx.version} (plugin-auth)`}
      return (apiUrl: string) => {
        if (!clients.has(apiUrl)) clients.set(apiUrl, new ControlPlaneClient(apiUrl, options))
        return clients.get(apiUrl)!
      }
    })
  }

  private once<T>(key: string, build: () => Promise<T>): Promise<T> {
    if (!this.cache.has(key)) this.cache.set(key, build())
    return this.cache.get(key) as Promise<T>
  }
}
