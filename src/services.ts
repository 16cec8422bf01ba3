import {ControlPlaneClient} from './control-plane-client.js'
import {EnvironmentRepository} from './environment-repository.js'
import {EnvironmentService} from './environment-service.js'
import {ProfileRepository} from './profile-repository.js'
import {ProfileService} from './profile-service.js'
import {ProjectService} from './project-service.js'
import {EnquirerPrompter, Prompter} from './prompter.js'
import {SecretStore, secretStoreMode} from './secret-store.js'
import {StateStore} from './state/state-store.js'
import type {LoginService} from './login-service.js'

export interface ServiceContext {
  configDir: string
  env: NodeJS.ProcessEnv
  /** The llamactl version (the host CLI's when installed as a plugin). */
  version: string
  /** Prints a warning line on stderr. */
  warn: (message: string) => void
}

/** What commands use. Each is built on first use, so a command pays only for what it touches. */
export interface Services {
  client(apiUrl: string): ControlPlaneClient
  readonly environments: EnvironmentRepository
  readonly environmentService: EnvironmentService
  /** Browser login; loads openid-client, so only `auth login` asks for it. */
  loginService(): Promise<LoginService>
  readonly profiles: ProfileRepository
  readonly profileService: ProfileService
  readonly projectService: ProjectService
  readonly prompter: Prompter
  readonly secrets: SecretStore
  readonly state: StateStore
}

const positiveInt = (value: string | undefined): number | undefined => {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** The real services, built lazily from the command's context. */
export class DefaultServices implements Services {
  private readonly cache = new Map<string, unknown>()

  constructor(private readonly ctx: ServiceContext) {}

  get environments(): EnvironmentRepository {
    return this.once('environments', () => new EnvironmentRepository(this.state))
  }

  get environmentService(): EnvironmentService {
    return this.once(
      'environmentService',
      () =>
        new EnvironmentService({
          client: (apiUrl) => this.client(apiUrl),
          environments: this.environments,
          secrets: () => this.secrets,
          version: this.ctx.version,
          warn: this.ctx.warn,
        }),
    )
  }

  get profileService(): ProfileService {
    return this.once(
      'profileService',
      () =>
        new ProfileService({
          client: (apiUrl) => this.client(apiUrl),
          profiles: this.profiles,
          refreshLogin: async (profile, seen) => {
            const {refreshLoginTokens} = await import('./token-refresh.js')
            const deps = {client: (apiUrl: string) => this.client(apiUrl), configDir: this.ctx.configDir, secrets: this.secrets, timeoutMs: this.httpTimeoutMs}
            return refreshLoginTokens(deps, profile, seen)
          },
          secrets: this.secrets,
          warn: this.ctx.warn,
        }),
    )
  }

  get projectService(): ProjectService {
    return this.once(
      'projectService',
      () => new ProjectService({client: (apiUrl) => this.client(apiUrl), profiles: this.profiles, profileService: this.profileService}),
    )
  }

  get profiles(): ProfileRepository {
    return this.once('profiles', () => new ProfileRepository(this.state))
  }

  get prompter(): Prompter {
    return this.once('prompter', () => new EnquirerPrompter())
  }

  get secrets(): SecretStore {
    return this.once(
      'secrets',
      () =>
        new SecretStore({
          dir: this.ctx.configDir,
          mode: secretStoreMode(this.ctx.env.LLAMACTL_SECRET_STORE),
          timeoutMs: positiveInt(this.ctx.env.LLAMACTL_KEYCHAIN_TIMEOUT_MS),
          warn: this.ctx.warn,
        }),
    )
  }

  get state(): StateStore {
    return this.once('state', () => new StateStore(this.ctx.configDir))
  }

  private get httpTimeoutMs(): number | undefined {
    return positiveInt(this.ctx.env.LLAMACTL_HTTP_TIMEOUT_MS)
  }

  async loginService(): Promise<LoginService> {
    const {LoginService} = await import('./login-service.js')
    return this.once(
      'loginService',
      () =>
        new LoginService({
          client: (apiUrl) => this.client(apiUrl),
          env: this.ctx.env,
          profileService: this.profileService,
          profiles: this.profiles,
          stderr: process.stderr,
          timeoutMs: this.httpTimeoutMs,
          warn: this.ctx.warn,
        }),
    )
  }

  client(apiUrl: string): ControlPlaneClient {
    return this.once(
      `client:${apiUrl}`,
      () =>
        new ControlPlaneClient(apiUrl, {
          timeoutMs: positiveInt(this.ctx.env.LLAMACTL_HTTP_TIMEOUT_MS),
          userAgent: `llamactl/${this.ctx.version} (plugin-auth)`,
        }),
    )
  }

  private once<T>(key: string, build: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, build())
    return this.cache.get(key) as T
  }
}
