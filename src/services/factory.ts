import {statSync} from 'node:fs'
import path from 'node:path'

import {CliError, UsageError} from '../errors.js'
import {EnvironmentStore} from '../stores/environment-store.js'
import {ProfileStore} from '../stores/profile-store.js'
import {mayExist} from '../stores/json-file.js'
import {StateStore} from '../stores/state-store.js'
import {changedSince, type StateDocument} from '../stores/schema.js'
import {expandHome, profilesDbDir} from '../variables.js'
import type {CredentialService} from './credentials.js'
import type {EnvironmentService} from './environment-service.js'
import type {ImportService} from './import-service.js'
import type {LocalState} from './local-state.js'
import type {LoginService} from './login-service.js'
import type {LoginSession} from './login-session.js'
import type {ProfileService} from './profile-service.js'
import type {ProjectService} from './project-service.js'
import type {StatusService} from './status-service.js'
import type {ControlPlaneClient} from '../net/control-plane-client.js'
import type {SecretStore} from '../stores/secret-store.js'
import type {Prompter} from '../ui/prompter.js'

/** The Python llamactl's state, imported on the first run (docs/python.md): in our config directory, except on Windows (see profilesDbDir). */
export const PYTHON_PROFILES_DB = 'profiles.db'

export interface ServiceContext {
  /** The config directory; a leading `~` is the home directory (as LLAMACTL_CONFIG_DIR in Python). */
  configDir: string
  env: NodeJS.ProcessEnv
  /** The llamactl version (the host CLI's when installed as a plugin). */
  version: string
  /** Prints a warning line on stderr. */
  warn: (message: string) => void
}

export type ClientFactory = (apiUrl: string) => ControlPlaneClient

/**
 * What commands use. Stores (`*Store`) hold state: the config's environments and profiles are
 * plain properties, cheap to build. Services (`*Service()`) run flows and are built on first use,
 * their modules included, so `auth list` loads only what reads the config file.
 */
export interface Services {
  /** The credential in effect (`--profile`, the LLAMA_* variables, the current profile) and clients made from it. */
  credentialService(): Promise<CredentialService>
  /** Environments in the config file. */
  readonly environmentStore: EnvironmentStore
  /** Profiles in the config file (never their secrets). */
  readonly profileStore: ProfileStore
  /** Adding, switching and deleting environments (probes the server). */
  environmentService(): Promise<EnvironmentService>
  /** Taking over the Python llamactl's profiles.db; loads the SQLite reader, so only `auth import` and a first run ask for it. */
  importService(): Promise<ImportService>
  /** Browser login; loads openid-client, so only `auth login` asks for it. */
  loginService(): Promise<LoginService>
  /** The local files as a whole: `config show-db` and `config destroy`. */
  localState(): Promise<LocalState>
  /** Profiles together with their secrets: create, remove, authenticate as one. */
  profileService(): Promise<ProfileService>
  /** The current profile's project. */
  projectService(): Promise<ProjectService>
  prompter(): Promise<Prompter>
  /** `auth status`: the credential in effect explained, and checked with the server. */
  statusService(): Promise<StatusService>
  /** The keychain (keytar) or the 0600 fallback file. */
  secretStore(): Promise<SecretStore>
}

/** Replacements tests (or a host CLI) hand to DefaultServices instead of patching it. */
export interface ServiceOverrides {
  clientFactory?: ClientFactory
  prompter?: () => Promise<Prompter>
  secretStore?: () => Promise<SecretStore>
}

/** The longest delay a Node timer takes; beyond it Node fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * A millisecond setting from the environment: unset or empty means the default; anything but
 * a whole number from 1 to 2147483647 is a usage error naming the variable, never ignored.
 */
export function millisecondsSetting(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(n >= 1 && n <= MAX_TIMER_MS))
    throw new UsageError(`${name} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`, `Fix or unset it (e.g. ${name}=30000)`)
  return n
}

/** The real services, built lazily from the command's context. */
export class DefaultServices implements Services {
  readonly environmentStore: EnvironmentStore
  readonly profileStore: ProfileStore
  private readonly cache = new Map<string, Promise<unknown>>()
  private readonly state: StateStore
  private readonly ctx: ServiceContext

  constructor(
    ctx: ServiceContext,
    private readonly overrides: ServiceOverrides = {},
  ) {
    // oclif takes LLAMACTL_CONFIG_DIR as it is; the Python llamactl expands a leading `~` in it.
    this.ctx = {...ctx, configDir: expandHome(ctx.configDir, ctx.env)}
    const state = new StateStore(this.ctx.configDir, {firstRun: () => this.importOnFirstRun(), sync: (doc) => this.syncOnChange(doc), warn: ctx.warn})
    this.state = state
    this.environmentStore = new EnvironmentStore(state)
    this.profileStore = new ProfileStore(state)
  }

  /** The Python llamactl's profiles.db: beside config.json, or in Python's own dir on Windows. */
  private get profilesDb(): string {
    return path.join(profilesDbDir(this.ctx.configDir, this.ctx.env), PYTHON_PROFILES_DB)
  }

  private get httpTimeoutMs(): number | undefined {
    return millisecondsSetting(this.ctx.env, 'LLAMACTL_HTTP_TIMEOUT_MS')
  }

  credentialService(): Promise<CredentialService> {
    return this.once('credentialService', async () => {
      const {CredentialService} = await import('./credentials.js')
      return new CredentialService({
        // The control-plane client is loaded when a client is first made, not for a credential alone.
        client: async (apiUrl) => (await this.clientFactory())(apiUrl),
        env: this.ctx.env,
        environments: this.environmentStore,
        profiles: this.profileStore,
        secrets: async () => ({secrets: await this.secretStore(), session: () => this.loginSession()}),
        warn: this.ctx.warn,
      })
    })
  }

  environmentService(): Promise<EnvironmentService> {
    return this.once('environmentService', async () => {
      const [{EnvironmentService}, client] = await Promise.all([import('./environment-service.js'), this.clientFactory()])
      return new EnvironmentService({
        client,
        environments: this.environmentStore,
        profiles: this.profileStore,
        profileService: () => this.profileService(),
        version: this.ctx.version,
        warn: this.ctx.warn,
      })
    })
  }

  importService(): Promise<ImportService> {
    return this.once('importService', async () => {
      const {ImportService} = await import('./import-service.js')
      return new ImportService({
        defaultSource: this.profilesDb,
        secrets: () => this.secretStore(),
        // Its own view of the config file, without the first-run hook: it is that hook.
        state: new StateStore(this.ctx.configDir),
        warn: this.ctx.warn,
      })
    })
  }

  localState(): Promise<LocalState> {
    return this.once('localState', async () => {
      const {LocalState} = await import('./local-state.js')
      return new LocalState({
        configDir: this.ctx.configDir,
        pythonProfilesDb: this.profilesDb,
        secrets: () => this.secretStore(),
        state: this.state,
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
        stderr: process.stderr,
        timeoutMs: this.httpTimeoutMs,
        warn: this.ctx.warn,
      })
    })
  }

  profileService(): Promise<ProfileService> {
    return this.once('profileService', async () => {
      const [{ProfileService}, client, secrets] = await Promise.all([import('./profile-service.js'), this.clientFactory(), this.secretStore()])
      return new ProfileService({
        client,
        profiles: this.profileStore,
        secrets,
        session: () => this.loginSession(),
        warn: this.ctx.warn,
      })
    })
  }

  projectService(): Promise<ProjectService> {
    return this.once('projectService', async () => {
      const [{ProjectService}, client, profileService] = await Promise.all([import('./project-service.js'), this.clientFactory(), this.profileService()])
      return new ProjectService({client, environments: this.environmentStore, profiles: this.profileStore, profileService, warn: this.ctx.warn})
    })
  }

  prompter(): Promise<Prompter> {
    return this.once('prompter', async () => {
      if (this.overrides.prompter) return this.overrides.prompter()
      return new (await import('../ui/prompter.js')).EnquirerPrompter()
    })
  }

  secretStore(): Promise<SecretStore> {
    return this.once('secretStore', async () => {
      if (this.overrides.secretStore) return this.overrides.secretStore()
      const {SecretStore, secretStoreMode} = await import('../stores/secret-store.js')
      return new SecretStore({
        dir: this.ctx.configDir,
        mode: secretStoreMode(this.ctx.env.LLAMACTL_SECRET_STORE),
        timeoutMs: millisecondsSetting(this.ctx.env, 'LLAMACTL_KEYCHAIN_TIMEOUT_MS'),
        warn: this.ctx.warn,
      })
    })
  }

  statusService(): Promise<StatusService> {
    return this.once('statusService', async () => {
      const [{StatusService}, credentials] = await Promise.all([import('./status-service.js'), this.credentialService()])
      return new StatusService({
        credentials,
        environments: this.environmentStore,
        secretStore: () => this.secretStore(),
      })
    })
  }

  /** One client per API URL, sharing got's instance. */
  private clientFactory(): Promise<ClientFactory> {
    return this.once('clientFactory', async () => {
      if (this.overrides.clientFactory) return this.overrides.clientFactory
      const {ControlPlaneClient} = await import('../net/control-plane-client.js')
      const clients = new Map<string, ControlPlaneClient>()
      const options = {env: this.ctx.env, timeoutMs: this.httpTimeoutMs, userAgent: `llamactl/${this.ctx.version} (plugin-auth)`}
      return (apiUrl: string) => {
        if (!clients.has(apiUrl)) clients.set(apiUrl, new ControlPlaneClient(apiUrl, options))
        return clients.get(apiUrl)!
      }
    })
  }

  /**
   * The first-run hook of the config file: with no config.json yet, a profiles.db beside it is
   * imported (once, under the config lock) and one line says what came over. On every other
   * first run it costs one stat. A profiles.db that can't be imported is a warning, not a failure:
   * the command goes on, and the next first read (or `auth import`) tries again.
   */
  private async importOnFirstRun(): Promise<void> {
    if (!mayExist(this.profilesDb)) return
    try {
      const report = await (await this.importService()).importOnFirstRun()
      if (!report) return
      const {importSummary} = await import('./import-service.js')
      process.stderr.write(`${importSummary(report)}\n`)
    } catch (error) {
      const line = error instanceof CliError ? error.line : (error as Error).message.split('\n')[0]
      this.ctx.warn(`The Python llamactl's profiles were not imported: ${line}`)
    }
  }

  /**
   * The sync hook of the config file: when profiles.db changed since an import or sync last read
   * it (its size or mtime; one stat when it did not), what is new or changed there comes in and
   * one line says what. A failure is a warning: the command goes on. True when it ran (the config
   * may have changed).
   */
  private async syncOnChange(doc: StateDocument): Promise<boolean> {
    let stat: {mtimeMs: number; size: number}
    try {
      stat = statSync(this.profilesDb)
    } catch {
      return false
    }

    const record = doc.pythonImport
    if (record && !changedSince(record, this.profilesDb, stat)) return false
    try {
      const report = await (await this.importService()).syncOnChange()
      const {syncSummary} = await import('./import-service.js')
      const line = report && syncSummary(report)
      if (line) process.stderr.write(`${line}\n`)
    } catch (error) {
      const line = error instanceof CliError ? error.line : (error as Error).message.split('\n')[0]
      this.ctx.warn(`The Python llamactl's changes were not brought in: ${line}`)
    }

    return true
  }

  private loginSession(): Promise<LoginSession> {
    return this.once('loginSession', async () => {
      const [{LoginSession}, client, secrets] = await Promise.all([import('./login-session.js'), this.clientFactory(), this.secretStore()])
      return new LoginSession({client, env: this.ctx.env, profiles: this.profileStore, secrets, timeoutMs: this.httpTimeoutMs, warn: this.ctx.warn})
    })
  }

  private once<T>(key: string, build: () => Promise<T>): Promise<T> {
    if (!this.cache.has(key)) this.cache.set(key, build())
    return this.cache.get(key) as Promise<T>
  }
}
