import {CliError} from '../errors.js'
import type {ApiError} from '../net/api-error.js'
import {CREDENTIAL_VARIABLES} from './credentials.js'
import {redactKey, redactKeys} from '../ui/redact.js'
import type {CredentialRequest, CredentialService} from './credentials.js'
import type {ActiveCredential} from './active-credential.js'
import type {EnvironmentStore} from '../stores/environment-store.js'
import type {SecretStore} from '../stores/secret-store.js'
import type {CheckResult, StatusJson} from '../ui/views.js'

export interface StatusServiceDeps {
  credentials: CredentialService
  environments: EnvironmentStore
  secretStore: () => Promise<SecretStore>
}

type CheckOutcome = StatusJson['check']

const outcome = (result: CheckResult, message: string, requestId: null | string = null): CheckOutcome => ({message, requestId, result})

/** Where a control-plane failure leaves the credential, for `auth status`; `answer` is the error when the server answered. */
function outcomeOfError(error: CliError, answer: ApiError | null, credential: ActiveCredential): CheckOutcome {
  const {location} = credential
  const requestId = answer?.requestId ?? null
  const ref = requestId ? `, request id ${requestId}` : ''
  const fix =
    location.source === 'env'
      ? `Check ${CREDENTIAL_VARIABLES.apiKey}`
      : location.authType === 'login'
        ? 'Run `llamactl auth login` again'
        : 'Create a new key in the web console and add it with `llamactl auth token`'
  if (error.reason === 'session_expired') return outcome('session_expired', error.line, requestId)
  if (answer?.status === 401) return outcome('rejected', `${location.apiUrl} rejected the API key (401${ref}). ${fix}`, requestId)
  if (answer?.status === 403)
    return outcome(
      'forbidden',
      `${location.apiUrl} accepted the API key but refused it the project list (403${ref}). Check the key's permissions in the web console`,
      requestId,
    )
  // The server answered: it is reachable, and retrying won't help until it is fixed.
  if (answer?.status !== undefined && answer.status >= 500)
    return outcome(
      'server_error',
      `${location.apiUrl} answered the project list with an error (${answer.status}${ref}). The server failed, not the credential: report it to the server's operators with the request id`,
      requestId,
    )
  return outcome('unreachable', error.line, requestId)
}

/**
 * `auth status`: explains the credential in effect (where it came from, where its secret is kept,
 * for login profiles the session) and, unless offline, whether the server accepts it for its
 * project. It reads the credential once (ActiveCredential) and reports what that object holds
 * after the check, a refreshed session or a replaced key included. It never prints or returns
 * a secret (every server string is redacted, the keys in play by value), and never prompts.
 */
export class StatusService {
  constructor(private readonly deps: StatusServiceDeps) {}

  /** The report of `auth status` (docs/credentials-guide.md); `offline` makes no network call at all. */
  async status(request: CredentialRequest & {offline: boolean}): Promise<StatusJson> {
    const location = await this.deps.credentials.locationInEffect(request)
    if (!location) {
      const {apiUrl} = await this.deps.environments.current()
      return {
        apiUrl,
        authType: null,
        check: outcome('no_credentials', (await this.deps.credentials.noCredentials()).line),
        keyHint: null,
        keychainUnavailable: null,
        login: null,
        overrides: null,
        profile: null,
        projectId: null,
        secretStore: null,
        source: 'none',
      }
    }

    const credential = await this.deps.credentials.credentialAt(location)
    if (credential.keyed && !credential.apiKey)
      return {...(await this.describe(credential)), check: outcome('no_credentials', (await credential.missing()).line)}
    if (request.offline) return {...(await this.describe(credential)), check: outcome('skipped', 'Not checked with the server (--offline)')}
    const result = await this.askServer(credential)
    // Described after the check: a login profile may have had its key replaced and its session refreshed meanwhile.
    const redact = (text: string) => redactKeys(text, credential.known)
    return {
      ...(await this.describe(credential)),
      check: {message: redact(result.message), requestId: result.requestId === null ? null : redact(result.requestId), result: result.result},
    }
  }

  /** Lists the projects with the credential (its key, refreshed and repaired as any command would), then checks a login session. */
  private async askServer(credential: ActiveCredential): Promise<CheckOutcome> {
    const client = await this.deps.credentials.clientOf(credential)
    const {apiUrl, projectId} = credential.location
    try {
      const projects = await client.listProjects()
      if (!credential.keyed) return outcome('ok', `${apiUrl} answered without a key (it does not require auth)`)
      if (!(await this.requiresAuth(apiUrl)))
        return outcome('ok', `${apiUrl} answered, but it does not require an API key (requires_auth is false), so the key was not checked`)
      if (projectId !== null && !projects.some((p) => p.projectId === projectId)) {
        const listed = projects.length > 0 ? `its projects: ${projects.map((p) => p.projectId).join(', ')}` : 'it has none'
        return outcome(
          'unknown_project',
          `${apiUrl} accepted the API key, but project ${projectId} is not among its projects (${listed}). Choose one with \`llamactl auth project\` or --project-id`,
        )
      }

      const accepted = `${apiUrl} accepted the API key${projectId === null ? '' : ` for project ${projectId}`}`
      const owner = await client.sessionOwner().catch(async (error: unknown) => {
        if (error instanceof CliError && error.reason === 'session_expired' && credential.profile) {
          const {sessionExpired} = await import('./login-session.js')
          throw sessionExpired(credential.profile, error.detail ?? 'the refresh was refused', 'The API key works, but the')
        }

        throw error
      })
      return outcome('ok', owner ? `${accepted}; signed in as ${owner.email ?? owner.name ?? owner.id}` : accepted)
    } catch (error) {
      // Loaded here, not at start-up: `auth status --offline` never gets this far.
      const {ApiError} = await import('../net/api-error.js')
      if (!(error instanceof CliError) || !(error instanceof ApiError || error.reason === 'session_expired')) throw error
      return outcomeOfError(error, error instanceof ApiError ? error : null, credential)
    }
  }

  /** What the object holds now: where it came from, the key's redacted form, the session's state. */
  private async describe(credential: ActiveCredential): Promise<StatusJson> {
    const {location, secrets} = credential
    const {profile} = location
    const {apiKey} = credential
    const store = location.source === 'env' || !credential.keyed ? null : await this.deps.secretStore()
    return {
      apiUrl: location.apiUrl,
      authType: location.authType,
      check: outcome('skipped', ''),
      keyHint: apiKey ? redactKey(apiKey) : null,
      keychainUnavailable: store?.fallbackCause ?? null,
      login:
        location.authType === 'login'
          ? {
              accessTokenExpiresAt: secrets?.expiresAt ? new Date(secrets.expiresAt * 1000).toISOString() : null,
              email: profile?.email ?? null,
              refreshable: Boolean(secrets?.refreshToken),
            }
          : null,
      overrides: location.overrides,
      profile: profile?.name ?? null,
      projectId: location.projectId,
      secretStore: location.source === 'env' ? 'env' : store ? await store.backend() : null,
      source: location.source,
    }
  }

  /** The environment record's requires_auth; a URL that is no known environment (the variables' own) counts as requiring auth. */
  private async requiresAuth(apiUrl: string): Promise<boolean> {
    const {environments} = await this.deps.environments.list()
    return environments.find((env) => env.apiUrl === apiUrl)?.requiresAuth ?? true
  }
}
