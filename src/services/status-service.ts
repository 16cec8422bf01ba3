import {CliError} from '../errors.js'
import {ApiError} from '../net/control-plane-client.js'
import {CREDENTIAL_VARIABLES} from './credentials.js'
import {redactKey} from '../ui/redact.js'
import type {CredentialLocation, CredentialRequest, CredentialService} from './credentials.js'
import type {EnvironmentStore} from '../stores/environment-store.js'
import type {ProfileService} from './profile-service.js'
import type {ProfileSecrets, SecretStore} from '../stores/secret-store.js'
import type {CheckResult, StatusJson} from '../ui/views.js'

export interface StatusServiceDeps {
  credentials: CredentialService
  environments: EnvironmentStore
  profileService: () => Promise<ProfileService>
  secretStore: () => Promise<SecretStore>
}

type Check = StatusJson['check']

const check = (result: CheckResult, message: string, requestId: null | string = null): Check => ({message, requestId, result})

/** Where a control-plane failure leaves the credential, for `auth status`. */
function checkOfError(error: CliError, location: CredentialLocation): Check {
  const requestId = error instanceof ApiError ? (error.requestId ?? null) : null
  const ref = requestId ? `, request id ${requestId}` : ''
  const fix =
    location.source === 'env'
      ? `Check ${CREDENTIAL_VARIABLES.apiKey}`
      : location.authType === 'login'
        ? 'Run `llamactl auth login` again'
        : 'Create a new key in the web console and add it with `llamactl auth token`'
  if (error.code === 'session_expired') return check('session_expired', error.line, requestId)
  if (error instanceof ApiError && error.status === 401) return check('rejected', `${location.apiUrl} rejected the API key (401${ref}). ${fix}`, requestId)
  if (error instanceof ApiError && error.status === 403)
    return check(
      'forbidden',
      `${location.apiUrl} accepted the API key but refused it the project list (403${ref}). Check the key's permissions in the web console`,
      requestId,
    )
  return check('unreachable', error.line, requestId)
}

/**
 * `auth status`: explains the credential in effect (where it came from, where its secret is kept,
 * for login profiles the session) and, unless offline, whether the server accepts it for its
 * project. It never prints or returns a secret, and never prompts.
 */
export class StatusService {
  constructor(private readonly deps: StatusServiceDeps) {}

  /** The report of credentials.md; `offline` makes no network call at all. */
  async status(request: CredentialRequest & {offline: boolean}): Promise<StatusJson> {
    const location = await this.deps.credentials.find(request)
    if (!location) {
      const {apiUrl} = await this.deps.environments.current()
      return {
        apiUrl,
        authType: null,
        check: check('no_credentials', (await this.deps.credentials.noCredentials()).line),
        keyHint: null,
        login: null,
        overrides: null,
        profile: null,
        projectId: null,
        secretStore: null,
        source: 'none',
      }
    }

    const secrets = await this.secrets(location)
    const report = await this.describe(location, secrets)
    if (location.authType !== 'none' && !report.keyHint) {
      const missing = await (await this.deps.profileService()).secretsMissing(location.profile!)
      return {...report, check: check('no_credentials', missing.line)}
    }

    if (request.offline) return {...report, check: check('skipped', 'Not checked with the server (--offline)')}
    const result = await this.check(location)
    // A login profile may have had its rejected key replaced and its session refreshed meanwhile.
    return {...(location.authType === 'login' ? await this.describe(location, await this.secrets(location)) : report), check: result}
  }

  /** Lists the projects with the credential (its key, refreshed and repaired as any command would), then checks a login session. */
  private async check(location: CredentialLocation): Promise<Check> {
    const client = await this.deps.credentials.clientAt(location)
    try {
      const projects = await client.listProjects()
      const {apiUrl, projectId} = location
      if (location.authType === 'none') return check('ok', `${apiUrl} answered without a key (it does not require auth)`)
      if (projectId !== null && !projects.some((p) => p.projectId === projectId)) {
        const listed = projects.length > 0 ? `its projects: ${projects.map((p) => p.projectId).join(', ')}` : 'it has none'
        return check(
          'unknown_project',
          `${apiUrl} accepted the API key, but project ${projectId} is not among its projects (${listed}). Choose one with \`llamactl auth project\` or --project-id`,
        )
      }

      const accepted = `${apiUrl} accepted the API key${projectId === null ? '' : ` for project ${projectId}`}`
      const owner = await client.sessionOwner().catch((error: unknown) => {
        if (error instanceof CliError && error.code === 'session_expired')
          throw new CliError(`The API key works, but ${error.message.replace(/^The login session/, 'the login session')}`, {
            code: error.code,
            suggestion: error.suggestion,
          })
        throw error
      })
      return check('ok', owner ? `${accepted}; signed in as ${owner.email ?? owner.name ?? owner.id}` : accepted)
    } catch (error) {
      if (!(error instanceof CliError) || !(error instanceof ApiError || error.code === 'session_expired')) throw error
      return checkOfError(error, location)
    }
  }

  private async describe(location: CredentialLocation, secrets: null | ProfileSecrets): Promise<StatusJson> {
    const {profile} = location
    const apiKey = location.envKey ?? secrets?.apiKey
    const keyed = location.authType !== 'none'
    return {
      apiUrl: location.apiUrl,
      authType: location.authType,
      check: check('skipped', ''),
      keyHint: apiKey ? redactKey(apiKey) : null,
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
      secretStore: location.source === 'env' ? 'env' : keyed ? await (await this.deps.secretStore()).backend() : null,
      source: location.source,
    }
  }

  private async secrets(location: CredentialLocation): Promise<null | ProfileSecrets> {
    if (!location.profile || location.authType === 'none') return null
    return (await this.deps.profileService()).secretsOf(location.profile)
  }
}
