import path from 'node:path'

import {CliError, UsageError} from '../errors.js'
import {isSecureUrl, normalizeApiUrl} from '../api-url.js'
import {DEFAULT_API_URL} from '../stores/schema.js'
import {credentialOf, ActiveCredential, showAs} from './active-credential.js'
import type {ControlPlaneClient, Me, Project} from '../net/control-plane-client.js'
import type {EnvironmentStore} from '../stores/environment-store.js'
import type {ProfileStore} from '../stores/profile-store.js'
import type {ProfileRecord} from '../stores/schema.js'
import type {CredentialLocation, Credentials, ActiveCredentialDeps} from './active-credential.js'
import {booleanVariable, readVariable} from '../variables.js'

/** The variables of the Python llamactl 0.10 that name a credential (credentials.md). */
export const CREDENTIAL_VARIABLES = {
  apiKey: 'LLAMA_CLOUD_API_KEY',
  baseUrl: 'LLAMA_CLOUD_BASE_URL',
  projectId: 'LLAMA_AGENTS_PROJECT_ID',
  useProfile: 'LLAMA_CLOUD_USE_PROFILE',
} as const

export type {CredentialLocation, Credentials, CredentialSource} from './active-credential.js'

/** What a command asks for: `--profile` and `--project-id`, when given. */
export interface CredentialRequest {
  profile?: string
  projectId?: string
}

export interface CredentialServiceDeps {
  /** May load the HTTP client on first use: commands that build no client (status --offline) never import it. */
  client: (apiUrl: string) => ControlPlaneClient | Promise<ControlPlaneClient>
  /** Where the LLAMA_* variables are read (process.env for commands). */
  env: NodeJS.ProcessEnv
  environments: EnvironmentStore
  profiles: ProfileStore
  /** The secret store and the login session; loaded only when a profile's secret is read. */
  secrets: () => Promise<ActiveCredentialDeps>
  warn: (message: string) => void
  /** Warnings already given by this process: each is given once per process. Tests pass their own. */
  warned?: Set<string>
}

const processWarnings = new Set<string>()

/**
 * The one line a command needing a credential fails with when there is none (credentials.md,
 * step 4). When the environment has profiles but none is current (after switching to it, say),
 * it names them and the command that makes one current instead of sending the user to log in.
 */
export function noCredentials(apiUrl: string, profiles: string[] = []): CliError {
  if (profiles.length > 0) {
    const names = profiles.length > 3 ? `${profiles.slice(0, 3).join(', ')}, …` : profiles.join(', ')
    return new CliError(`No credentials: no profile is current in ${apiUrl} (it has ${names}) and ${CREDENTIAL_VARIABLES.apiKey} is not set`, {
      code: 'no_credentials',
      suggestion: `Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`), or set ${CREDENTIAL_VARIABLES.apiKey} and ${CREDENTIAL_VARIABLES.projectId}`,
    })
  }

  return new CliError(`No credentials: no profile is current in ${apiUrl} and ${CREDENTIAL_VARIABLES.apiKey} is not set`, {
    code: 'no_credentials',
    suggestion: `Run \`llamactl auth login\` or \`llamactl auth token\`, or set ${CREDENTIAL_VARIABLES.apiKey} and ${CREDENTIAL_VARIABLES.projectId}`,
  })
}

/**
 * The one resolver of "which control plane, which key, which project" for every llamactl command
 * (credentials.md): `--profile NAME`, else the LLAMA_* variables, else the current profile of the
 * current environment. The variables never change anything in the config directory.
 */
export class CredentialService {
  private readonly warned: Set<string>

  constructor(private readonly deps: CredentialServiceDeps) {
    this.warned = deps.warned ?? processWarnings
  }

  /** A control-plane client authenticated as the credential in effect (see CredentialClient). */
  async client(request: CredentialRequest = {}): Promise<CredentialClient> {
    return this.clientOf(await this.credentialInEffect(request))
  }

  /** A client for the command's credential: it shares (and updates) that one object. */
  async clientOf(credential: ActiveCredential): Promise<CredentialClient> {
    if (credential.keyed) await credential.requireKey()
    return new CredentialClient(credential, await this.deps.client(credential.apiUrl))
  }

  /**
   * A client for credentials resolved earlier (`resolveCredentials`): the credential object they
   * came from when they are ours (nothing read again), else their profile and its secrets are read.
   */
  async clientFor(credentials: Credentials): Promise<CredentialClient> {
    const own = credentialOf(credentials)
    if (own) return this.clientOf(own)
    // The key is not enumerable, so a copy ({...credentials}) has none: never send such a copy key-less.
    if (credentials.apiKey === undefined && (credentials.source === 'env' || credentials.profile === null))
      throw new UsageError(
        'These credentials carry no API key: a copy of them ({...credentials}) leaves the key out',
        'Pass the object resolveCredentials returned, or set apiKey on the copy',
      )
    const location: CredentialLocation =
      credentials.source === 'env' || credentials.profile === null
        ? {
            apiUrl: credentials.apiUrl,
            authType: credentials.apiKey === null ? 'none' : 'api-key',
            envKey: credentials.apiKey ?? undefined,
            overrides: null,
            profile: null,
            projectId: credentials.projectId,
            source: credentials.source,
          }
        : {...this.fromProfile(await this.deps.profiles.get(credentials.apiUrl, credentials.profile), credentials.source), projectId: credentials.projectId}
    return this.clientOf(await this.credentialAt(location))
  }

  /** The credential in effect as one object (see ActiveCredential): its secrets read once. No credential is the "no credentials" error. */
  async credentialInEffect(request: CredentialRequest = {}): Promise<ActiveCredential> {
    return this.credentialAt(await this.requireLocation(request))
  }

  /**
   * The credential in effect, or null when there is none (step 4; `requireLocation` makes that the
   * error). Warns, once per process, when the variables override a current profile or when the
   * key is set without the project.
   */
  async locationInEffect(request: CredentialRequest = {}): Promise<CredentialLocation | null> {
    const env = await this.deps.environments.current()
    const withProject = (location: CredentialLocation) => (request.projectId === undefined ? location : {...location, projectId: request.projectId})
    if (request.profile !== undefined) return withProject(this.fromProfile(await this.deps.profiles.get(env.apiUrl, request.profile), 'flag'))

    const current = await this.deps.profiles.current(env.apiUrl)
    const fromEnv = this.fromVariables(current)
    if (fromEnv) return withProject(fromEnv)
    return current ? withProject(this.fromProfile(current, 'profile')) : null
  }

  /** Like `locationInEffect`, but no credential at all is the "no credentials" error. */
  async requireLocation(request: CredentialRequest = {}): Promise<CredentialLocation> {
    const location = await this.locationInEffect(request)
    if (location) return location
    throw await this.noCredentials()
  }

  /** The "no credentials" error for the current environment, naming its profiles when it has some. */
  async noCredentials(): Promise<CliError> {
    const {apiUrl} = await this.deps.environments.current()
    return noCredentials(
      apiUrl,
      (await this.deps.profiles.list(apiUrl)).map((p) => p.name),
    )
  }

  /** The credential object of a location found earlier (by `locationInEffect`): a profile's secrets are read here, once. */
  async credentialAt(location: CredentialLocation): Promise<ActiveCredential> {
    return ActiveCredential.read(location, this.deps.secrets)
  }

  /** The credential object of a profile record (`auth project --profile`, logout's revocation): no variables apply. */
  async credentialOfProfile(profile: ProfileRecord): Promise<ActiveCredential> {
    return this.credentialAt(this.fromProfile(profile, 'flag'))
  }

  /** `resolveCredentials` of the library API: the credential in effect, its key read from the secret store. */
  async credentialsInEffect(request: CredentialRequest = {}): Promise<Credentials> {
    return (await this.credentialInEffect(request)).credentials()
  }

  /**
   * The three variables that carry a credential to another program (`auth inject`, `auth exec`):
   * the key (null, meaning "not set", for a key-less profile), the project and the API URL.
   */
  variables(credentials: Credentials): Array<[name: string, value: null | string]> {
    const V = CREDENTIAL_VARIABLES
    return [
      [V.apiKey, credentials.apiKey],
      [V.projectId, credentials.projectId],
      [V.baseUrl, credentials.apiUrl],
    ]
  }

  /**
   * `auth inject`: writes the credential in effect into a dotenv file (see updateDotenvFile),
   * refusing a file another user owns or others can read unless `allowSharedFile`. Returns the file's absolute path
   * and the names written and unset, never the values.
   */
  async writeEnvFile(
    file: string,
    request: CredentialRequest = {},
    options: {allowSharedFile?: boolean} = {},
  ): Promise<{credentials: Credentials; envFile: string; unset: string[]; variables: string[]}> {
    const credentials = await this.credentialsInEffect(request)
    const values = this.variables(credentials)
    const {updateDotenvFile} = await import('../stores/dotenv-file.js')
    const envFile = path.resolve(file)
    // Where the file may be (whose, who can read it) is dotenv-file's to check.
    await updateDotenvFile(envFile, values, {allowShared: options.allowSharedFile, secret: credentials.apiKey !== null, warn: this.deps.warn})
    return {
      credentials,
      envFile,
      unset: values.filter(([, value]) => value === null).map(([name]) => name),
      variables: values.filter(([, value]) => value !== null).map(([name]) => name),
    }
  }

  private fromProfile(profile: ProfileRecord, source: 'flag' | 'profile'): CredentialLocation {
    return {apiUrl: profile.apiUrl, authType: profile.authType, overrides: null, profile, projectId: profile.projectId, source}
  }

  /** Step 2: the variables, when the key and the project are both set and LLAMA_CLOUD_USE_PROFILE is not true. */
  private fromVariables(current: null | ProfileRecord): CredentialLocation | null {
    const {env} = this.deps
    const V = CREDENTIAL_VARIABLES
    if (booleanVariable(env, V.useProfile)) return null
    const apiKey = readVariable(env, V.apiKey)?.trim()
    if (!apiKey) return null
    const projectId = readVariable(env, V.projectId)?.trim()
    if (!projectId) {
      this.warnOnce(`${V.apiKey} is set but ${V.projectId} is missing, so the key from the environment is not used. Set both to use it`)
      return null
    }

    const apiUrl = this.baseUrl()
    if (current)
      this.warnOnce(`Using ${V.apiKey} from the environment (overriding profile '${current.name}'). Set ${V.useProfile}=1 to use the profile instead.`)
    return {apiUrl, authType: 'api-key', envKey: apiKey, overrides: current?.name ?? null, profile: null, projectId, source: 'env'}
  }

  /**
   * LLAMA_CLOUD_BASE_URL: unset or empty means the default control plane. Checked as an API URL,
   * then kept as written but for its trailing `/`s, as the Python llamactl's `rstrip("/")`
   * (`http://10.1.2.3:80//` stays `http://10.1.2.3:80`, the text `auth exec` and `inject` pass on);
   * with a query or fragment, the normalised URL.
   */
  private baseUrl(): string {
    const name = CREDENTIAL_VARIABLES.baseUrl
    const raw = readVariable(this.deps.env, name)?.trim()
    if (!raw) return DEFAULT_API_URL
    let apiUrl: string
    try {
      apiUrl = normalizeApiUrl(raw)
    } catch (error) {
      const {message, suggestion} = error as UsageError
      throw new UsageError(`${name}: ${message}`, suggestion)
    }

    const asWritten = raw.replace(/\/+$/, '')
    if (!/[?#]/.test(asWritten)) apiUrl = asWritten
    if (!isSecureUrl(new URL(apiUrl)))
      this.warnOnce(`${name} is ${apiUrl}, plain http: the API key sent to it can be read on the network. Use https unless the network is trusted`)
    return apiUrl
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return
    this.warned.add(message)
    this.deps.warn(message)
  }
}

/** Options of an authenticated request. */
export interface RequestOptions {
  body?: unknown
  /** Appended as the query string. */
  query?: Record<string, string>
}

/**
 * A control-plane client for the command's credential (ActiveCredential): it sends the key as
 * the bearer token (with the control-plane client's timeouts, retries and one-line errors
 * carrying the request id), and for login profiles it refreshes the session after a 401 and
 * replaces the rejected key, updating that credential in place.
 */
export class CredentialClient {
  // Private fields (#): a copy of the client ({...client}, structuredClone) carries neither.
  readonly #client: ControlPlaneClient
  readonly #credential: ActiveCredential

  constructor(credential: ActiveCredential, client: ControlPlaneClient) {
    this.#credential = credential
    this.#client = client
    showAs(this, () => ({credential: credential.toJSON()}))
  }

  /** The command's one credential object, shared with whoever else uses it. */
  get credential(): ActiveCredential {
    return this.#credential
  }

  /** The credentials it sends as, with the key in use now (a replaced key after a repair). */
  get credentials(): Credentials {
    return this.credential.snapshot()
  }

  /** Where the credential came from, for reports. */
  get location(): CredentialLocation {
    return this.credential.location
  }

  /** The projects the credential may use (`GET /api/v1beta1/deployments/list-projects`). */
  async listProjects(): Promise<Project[]> {
    return this.#client.listProjects(this.credential.bearer())
  }

  /** Who the credential belongs to (`GET /api/v1/auth/me`). */
  async me(): Promise<Me> {
    return this.#client.me(this.requireAuth())
  }

  /**
   * Any other JSON endpoint of the control plane, authenticated the same way: `path` is absolute
   * on the API URL (`/api/v1beta1/...`). Failures are one-line errors (ApiError, with the status
   * and the request id when the server answered).
   */
  async request<T = unknown>(method: 'DELETE' | 'GET' | 'PATCH' | 'POST' | 'PUT', path: string, options: RequestOptions = {}): Promise<T> {
    if (!path.startsWith('/') || path.startsWith('//')) throw new UsageError(`A control-plane path must start with a single /, not ${JSON.stringify(path)}`)
    const query = options.query ? `?${new URLSearchParams(options.query)}` : ''
    return (await this.#client.call({auth: this.credential.bearer(), body: options.body, method, path: `${path}${query}`})) as T
  }

  /**
   * Who a login profile's OIDC session belongs to (`GET /api/v1/auth/me` with its access token,
   * refreshed after a 401 without replacing the key); null for other credentials.
   */
  async sessionOwner(): Promise<Me | null> {
    const session = await this.credential.session()
    return session ? this.#client.me(session) : null
  }

  private requireAuth() {
    const auth = this.credential.bearer()
    if (auth === undefined)
      throw new CliError(`Profile ${this.credential.profile?.name ?? ''} has no API key`, {
        code: 'no_credentials',
        suggestion: 'Use a profile with a key (`llamactl auth token` or `llamactl auth login`)',
      })
    return auth
  }
}
