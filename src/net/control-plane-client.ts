import type {Got, Method, RequestError} from 'got'

import {CliError} from '../errors.js'

export const PATHS = {
  apiKeys: '/api/v1/api-keys',
  me: '/api/v1/auth/me',
  oidcDiscovery: '/api/v1/auth/oidc/discovery',
  projects: '/api/v1beta1/deployments/list-projects',
  version: '/api/v1beta1/deployments-public/version',
} as const

export interface VersionInfo {
  capabilities: string[]
  minLlamactlVersion: null | string
  requiresAuth: boolean
  version: string
}

export interface Project {
  deploymentCount: number
  projectId: string
  projectName: null | string
}

export interface OidcDiscovery {
  clientId: string
  discoveryUrl: string
}

export interface Me {
  email: null | string
  id: string
  name: null | string
}

export interface MintedKey {
  id: string
  name: string
  secret: string
}

/**
 * Where a bearer token comes from. `refresh` (login profiles) is asked for a new token once
 * after a 401; it returns null when it has none to offer.
 */
export interface TokenSource {
  refresh?(): Promise<null | string>
  token(): Promise<string>
}

export type Auth = string | TokenSource

/** An HTTP failure, with the status and request id when the server answered. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly requestId: string | undefined,
    code: string,
    suggestion?: string,
  ) {
    super(message, {code, suggestion})
    this.name = 'ApiError'
  }
}

export interface ControlPlaneClientOptions {
  timeoutMs?: number
  userAgent?: string
}

/** One authenticated JSON request; `path` is absolute on the API URL and may carry a query string. */
export interface Request {
  auth?: Auth
  body?: unknown
  method: Method
  path: string
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

const nullableString = (value: unknown): value is null | string | undefined =>
  value === null || value === undefined || typeof value === 'string'

/**
 * The control plane's HTTP API (docs/control-plane-api.md) on got: a timeout on every request,
 * one clear error per failure, retries only for idempotent methods.
 */
export class ControlPlaneClient {
  private gotPromise?: Promise<Got>

  constructor(
    readonly apiUrl: string,
    private readonly options: ControlPlaneClientOptions = {},
  ) {}

  /**
   * Any JSON endpoint, for the other llamactl commands (through CredentialClient.request): the
   * parsed body, or undefined for an empty answer. Errors and retries as for the calls below.
   */
  async call(req: Request): Promise<unknown> {
    return this.request(req)
  }

  /** Mints an API key for the CLI with an OIDC access token; the secret is returned once. */
  async createApiKey(auth: Auth, name: string): Promise<MintedKey> {
    const body = object(await this.request({auth, body: {name, project_id: null}, method: 'POST', path: PATHS.apiKeys}))
    if (typeof body?.id !== 'string' || typeof body.redacted_api_key !== 'string') throw this.badBody(PATHS.apiKeys)
    return {id: body.id, name: typeof body.name === 'string' ? body.name : name, secret: body.redacted_api_key}
  }

  /** Revokes a minted key; a key that is already gone (404) counts as revoked. */
  async deleteApiKey(auth: Auth, keyId: string): Promise<void> {
    try {
      await this.request({auth, method: 'DELETE', path: `${PATHS.apiKeys}/${encodeURIComponent(keyId)}`})
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return
      throw error
    }
  }

  /** Where browser login's OpenID provider is; null when the server has no browser login (404/501). */
  async oidcDiscovery(): Promise<null | OidcDiscovery> {
    let body: Record<string, unknown> | undefined
    try {
      body = object(await this.request({method: 'GET', path: PATHS.oidcDiscovery}))
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 501)) return null
      throw error
    }

    const clientId = object(body?.client_ids)?.cli
    if (typeof body?.discovery_url !== 'string' || typeof clientId !== 'string') throw this.badBody(PATHS.oidcDiscovery)
    return {clientId, discoveryUrl: body.discovery_url}
  }

  /** The projects a token may use; also how an API key is validated. */
  async listProjects(auth?: Auth): Promise<Project[]> {
    const body = object(await this.request({auth, method: 'GET', path: PATHS.projects}))
    if (!Array.isArray(body?.projects)) throw this.badBody(PATHS.projects)
    return body.projects.map((raw) => {
      const project = object(raw)
      if (typeof project?.project_id !== 'string' || !nullableString(project.project_name)) throw this.badBody(PATHS.projects)
      return {
        deploymentCount: typeof project.deployment_count === 'number' ? project.deployment_count : 0,
        projectId: project.project_id,
        projectName: project.project_name ?? null,
      }
    })
  }

  /** Who the token belongs to. */
  async me(auth: Auth): Promise<Me> {
    const body = object(await this.request({auth, method: 'GET', path: PATHS.me}))
    if (typeof body?.id !== 'string' || !nullableString(body.email) || !nullableString(body.name)) throw this.badBody(PATHS.me)
    return {email: body.email ?? null, id: body.id, name: body.name ?? null}
  }

  /** The environment's version document: whether it requires auth, the oldest llamactl it accepts. */
  async probeVersion(): Promise<VersionInfo> {
    const body = object(await this.request({method: 'GET', path: PATHS.version}))
    if (typeof body?.version !== 'string' || !nullableString(body.min_llamactl_version)) throw this.badBody(PATHS.version)
    return {
      capabilities: Array.isArray(body.capabilities) ? body.capabilities.filter((c): c is string => typeof c === 'string') : [],
      minLlamactlVersion: body.min_llamactl_version ?? null,
      requiresAuth: body.requires_auth === true,
      version: body.version,
    }
  }

  private badBody(path: string): ApiError {
    return new ApiError(
      `${this.apiUrl}${path} did not answer with what a llamactl control plane sends`,
      undefined,
      undefined,
      'bad_response',
      'Check that the environment URL points at a llamactl control plane',
    )
  }

  private async got(): Promise<Got> {
    this.gotPromise ??= import('got').then(({default: got}) =>
      got.extend({
        headers: {'user-agent': this.options.userAgent ?? 'llamactl-plugin-auth'},
        prefixUrl: this.apiUrl,
        responseType: 'json',
        retry: {
          // Only idempotent requests are retried, once, quickly: a POST that reached the server
          // must not mint a second key.
          calculateDelay: ({computedValue}) => (computedValue === 0 ? 0 : 150),
          limit: 1,
          methods: ['GET', 'DELETE'],
          statusCodes: [502, 503, 504],
        },
        throwHttpErrors: false,
        timeout: {request: this.options.timeoutMs ?? 15_000},
      }),
    )
    return this.gotPromise
  }

  private async request(req: Request): Promise<unknown> {
    const tokenSource = typeof req.auth === 'string' ? {token: async () => req.auth as string} : req.auth
    let token = tokenSource ? await tokenSource.token() : undefined
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(req, token)
      } catch (error) {
        if (attempt > 0 || !(error instanceof ApiError) || error.status !== 401 || !tokenSource?.refresh) throw error
        const fresh = await tokenSource.refresh()
        if (fresh === null) throw error
        token = fresh
      }
    }
  }

  private async send(req: Request, token: string | undefined): Promise<unknown> {
    const got = await this.got()
    const path = req.path.replace(/^\//, '')
    let response
    try {
      response = await got(path, {
        headers: token ? {authorization: `Bearer ${token}`} : {},
        json: req.body,
        method: req.method,
      })
    } catch (error) {
      throw this.transportError(error as RequestError, req.path)
    }

    const requestId = response.headers['x-request-id'] as string | undefined
    const ref = requestId ? `, request id ${requestId}` : ''
    const {statusCode} = response
    if (statusCode === 401)
      throw new ApiError(`${this.apiUrl} rejected the credentials (401${ref})`, 401, requestId, 'unauthorized', 'Check the API key, or log in again')
    if (statusCode === 403)
      throw new ApiError(`${this.apiUrl} refused access (403${ref})`, 403, requestId, 'forbidden', 'The credentials are valid but not allowed to do this')
    if (statusCode >= 500)
      throw new ApiError(`${this.apiUrl}${req.path} failed with ${statusCode}${ref}`, statusCode, requestId, 'server_error', 'Try again later')
    if (statusCode >= 300)
      throw new ApiError(`${this.apiUrl}${req.path} answered ${statusCode}${ref}`, statusCode, requestId, 'http_error', 'Check the environment URL')
    if (statusCode === 204 || response.rawBody.length === 0) return undefined
    if (typeof response.body !== 'object' || response.body === null) throw this.badBody(req.path)
    return response.body
  }

  private transportError(error: RequestError, path: string): ApiError {
    const code = error.code ?? 'ERR'
    if (error.name === 'ParseError')
      return new ApiError(`${this.apiUrl}${path} answered with something that is not JSON`, error.response?.statusCode, undefined, 'bad_response', 'Check that the environment URL points at a llamactl control plane')
    if (error.name === 'TimeoutError')
      return new ApiError(`${this.apiUrl} did not answer within ${(this.options.timeoutMs ?? 15_000) / 1000}s`, undefined, undefined, 'timeout', 'Check your network and try again')
    if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code))
      return new ApiError(`TLS error talking to ${this.apiUrl} (${code})`, undefined, undefined, 'tls', 'Check the URL and your system certificates (NODE_EXTRA_CA_CERTS)')
    return new ApiError(`Could not reach ${this.apiUrl} (${code})`, undefined, undefined, 'unreachable', 'Check the URL and your network connection')
  }
}
