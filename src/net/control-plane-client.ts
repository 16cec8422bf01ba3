import {ApiError, boundedRequestId, detailRef, requestRef, serverDetail} from './api-error.js'
import {UsageError} from '../errors.js'
import type {Http, HttpResponse} from './http.js'
import {hideSecretRuns, type Organization, type Project, projectIdText} from '../model.js'

export {ApiError} from './api-error.js'
// The record lives in the model (the bottom layer); named here too as one of this client's answers.
export type {Organization, Project} from '../model.js'

export const PATHS = {
  apiKeys: '/api/v1/api-keys',
  me: '/api/v1/auth/me',
  oidcDiscovery: '/api/v1/auth/oidc/discovery',
  organizations: '/api/v1beta1/deployments/organizations',
  projects: '/api/v1beta1/deployments/list-projects',
  version: '/api/v1beta1/deployments-public/version',
} as const

export interface VersionInfo {
  capabilities: string[]
  minLlamactlVersion: null | string
  requiresAuth: boolean
  version: string
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

export interface ControlPlaneClientOptions {
  /** Where proxy variables are read from (default: process.env). */
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  userAgent?: string
}

type Method = 'DELETE' | 'GET' | 'PATCH' | 'POST' | 'PUT'

/** One authenticated JSON request; `path` is absolute on the API URL and may carry a query string. */
export interface Request {
  auth?: Auth
  body?: unknown
  method: Method
  path: string
}

/** A parsed JSON answer and the request id it came with (for errors about its shape). */
interface Answer {
  body: unknown
  requestId?: string
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** The `correlation_id` of a JSON error body (`{"detail": …, "correlation_id": …}`), bounded like a header's id. */
function correlationIdOf(body: Buffer): string | undefined {
  try {
    const id = object(JSON.parse(body.toString('utf8')))?.correlation_id
    return typeof id === 'string' ? boundedRequestId(id) : undefined
  } catch {
    return undefined
  }
}

const nullableString = (value: unknown): value is null | string | undefined => value === null || value === undefined || typeof value === 'string'

/** A field's value, or `fallback` only when the field is absent (null is a value, and checked as one). */
const orDefault = (body: Record<string, unknown> | undefined, field: string, fallback: unknown): unknown => (body && field in body ? body[field] : fallback)

/** What an HTTP header (and RFC 6750's bearer token) can carry: visible ASCII, no spaces or line breaks. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7E]+$/

/**
 * The control plane's HTTP API (docs/control-plane-api.md) on the shared HTTP stack (http.ts:
 * proxies, timeout, no redirects, bounded bodies): one clear error per failure, each naming
 * the server's request id when there was an answer, and retries only for idempotent methods.
 * Every answer is checked against the shape the API documents: a wrong type is
 * `bad_response`, never read as a default.
 */
export class ControlPlaneClient {
  private httpPromise?: Promise<Http>

  constructor(
    readonly apiUrl: string,
    private readonly options: ControlPlaneClientOptions = {},
  ) {}

  /**
   * Any JSON endpoint, for the other llamactl commands (through CredentialClient.request): the
   * parsed body, or undefined for an empty answer. Errors and retries as for the calls below.
   */
  async call(req: Request): Promise<unknown> {
    return (await this.request(req)).body
  }

  /** Mints an API key for the CLI with an OIDC access token; the secret is returned once. */
  async createApiKey(auth: Auth, name: string): Promise<MintedKey> {
    const {body: raw, requestId} = await this.request({auth, body: {name, project_id: null}, method: 'POST', path: PATHS.apiKeys})
    const body = object(raw)
    if (typeof body?.id !== 'string' || typeof body.redacted_api_key !== 'string' || !nullableString(body.name)) throw this.badBody(PATHS.apiKeys, requestId)
    return {id: body.id, name: body.name ?? name, secret: body.redacted_api_key}
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
    let answer: Answer
    try {
      answer = await this.request({method: 'GET', path: PATHS.oidcDiscovery})
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 501)) return null
      throw error
    }

    const body = object(answer.body)
    const clientId = object(body?.client_ids)?.cli
    if (typeof body?.discovery_url !== 'string' || typeof clientId !== 'string') throw this.badBody(PATHS.oidcDiscovery, answer.requestId)
    return {clientId, discoveryUrl: body.discovery_url}
  }

  /**
   * The projects a token may use (also how an API key is validated): `orgId`'s, or without it
   * every project the token reaches, across organizations. A project id that is not printable
   * text of sane length is a bad answer.
   */
  async listProjects(auth?: Auth, orgId?: string): Promise<Project[]> {
    const path = orgId === undefined ? PATHS.projects : `${PATHS.projects}?${new URLSearchParams({org_id: orgId})}`
    const {body: raw, requestId} = await this.request({auth, method: 'GET', path})
    const body = object(raw)
    if (!Array.isArray(body?.projects)) throw this.badBody(PATHS.projects, requestId)
    return body.projects.map((entry) => {
      const project = object(entry)
      const count = orDefault(project, 'deployment_count', 0)
      const org = orDefault(project, 'org_id', 'default')
      if (
        typeof project?.project_id !== 'string' ||
        !projectIdText(project.project_id) ||
        !nullableString(project.project_name) ||
        typeof org !== 'string' ||
        typeof count !== 'number' ||
        !Number.isInteger(count) ||
        count < 0
      )
        throw this.badBody(PATHS.projects, requestId)
      return {deploymentCount: count, orgId: org, projectId: project.project_id, projectName: project.project_name ?? null}
    })
  }

  /**
   * The organizations a token may use, in the server's order; null when the server has none
   * (404). `{"organizations": [...]}` as documented, or the bare list some servers send.
   */
  async listOrganizations(auth?: Auth): Promise<null | Organization[]> {
    let answer: Answer
    try {
      answer = await this.request({auth, method: 'GET', path: PATHS.organizations})
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }

    const list = Array.isArray(answer.body) ? answer.body : object(answer.body)?.organizations
    if (!Array.isArray(list)) throw this.badBody(PATHS.organizations, answer.requestId)
    return list.map((entry) => {
      const org = object(entry)
      const isDefault = orDefault(org, 'is_default', false)
      if (typeof org?.org_id !== 'string' || typeof org.org_name !== 'string' || typeof isDefault !== 'boolean')
        throw this.badBody(PATHS.organizations, answer.requestId)
      return {isDefault, orgId: org.org_id, orgName: org.org_name}
    })
  }

  /** Who the token belongs to. */
  async me(auth: Auth): Promise<Me> {
    const {body: raw, requestId} = await this.request({auth, method: 'GET', path: PATHS.me})
    const body = object(raw)
    if (typeof body?.id !== 'string' || !nullableString(body.email) || !nullableString(body.name)) throw this.badBody(PATHS.me, requestId)
    return {email: body.email ?? null, id: body.id, name: body.name ?? null}
  }

  /**
   * The environment's version document: whether it requires auth, the oldest llamactl it
   * accepts. `requires_auth` may be absent (false) but nothing else: `"yes"` is not "no auth".
   */
  async probeVersion(): Promise<VersionInfo> {
    const {body: raw, requestId} = await this.request({method: 'GET', path: PATHS.version})
    const body = object(raw)
    const requiresAuth = orDefault(body, 'requires_auth', false)
    const capabilities = orDefault(body, 'capabilities', [])
    if (
      typeof body?.version !== 'string' ||
      !nullableString(body.min_llamactl_version) ||
      typeof requiresAuth !== 'boolean' ||
      !Array.isArray(capabilities) ||
      !capabilities.every((c) => typeof c === 'string')
    )
      throw this.badBody(PATHS.version, requestId)
    return {capabilities, minLlamactlVersion: body.min_llamactl_version ?? null, requiresAuth, version: body.version}
  }

  private badBody(path: string, requestId: string | undefined): ApiError {
    return new ApiError(
      `${this.apiUrl}${path} did not answer with what a llamactl control plane sends${requestId ? ` (request id ${requestId})` : ''}`,
      undefined,
      requestId,
      'bad_response',
      'Check that the environment URL points at a llamactl control plane',
    )
  }

  private async http(): Promise<Http> {
    this.httpPromise ??= import('./http.js').then(
      ({Http}) => new Http({env: this.options.env, timeoutMs: this.options.timeoutMs, userAgent: this.options.userAgent ?? 'llamactl-plugin-auth'}),
    )
    return this.httpPromise
  }

  private async request(req: Request): Promise<Answer> {
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

  private async send(req: Request, token: string | undefined): Promise<Answer> {
    // Caught before got, whose ERR_INVALID_CHAR would read as a network failure. The key is not echoed.
    if (token !== undefined && !HEADER_SAFE_TOKEN.test(token))
      throw new UsageError(
        'The API key contains a space, a line break, a control character or a non-ASCII character, which no server accepts',
        'Copy the key again from the web console; nothing was sent or stored',
      )
    const http = await this.http()
    const response = await http.request({
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      headers: {
        accept: 'application/json',
        ...(req.body === undefined ? {} : {'content-type': 'application/json'}),
        ...(token ? {authorization: `Bearer ${token}`} : {}),
      },
      hint: 'Check the environment URL (`llamactl auth env list`)',
      method: req.method,
      // Only idempotent methods: a POST that reached the server must not mint a second key.
      retry: req.method === 'GET' || req.method === 'DELETE',
      server: this.apiUrl,
      url: new URL(this.apiUrl + req.path),
    })
    // A server may echo the key it was sent (whole, in part, in another case) in its request id.
    const secrets = token ? [token] : []
    const requestId = response.requestId === undefined ? undefined : hideSecretRuns(response.requestId, secrets)
    this.checkStatus(response, req.path, secrets)
    if (response.status === 204 || response.body.length === 0) return {body: undefined, requestId}
    let body: unknown
    try {
      body = JSON.parse(response.body.toString('utf8'))
    } catch {
      throw new ApiError(
        `${this.apiUrl}${req.path} answered with something that is not JSON${requestId ? ` (request id ${requestId})` : ''}`,
        response.status,
        requestId,
        'bad_response',
        'Check that the environment URL points at a llamactl control plane',
      )
    }

    if (typeof body !== 'object' || body === null) throw this.badBody(req.path, requestId)
    return {body, requestId}
  }

  /**
   * Turns a status that isn't 2xx into an error carrying the request id (redirects never get
   * here): the headers' (http.ts), else the `correlation_id` of the error body, which is where
   * the open-source control plane puts it.
   */
  private checkStatus(response: HttpResponse, path: string, secrets: readonly string[]): void {
    const {status} = response
    if (status >= 200 && status < 300) return
    const raw = response.requestId ?? correlationIdOf(response.body)
    const requestId = raw === undefined ? undefined : hideSecretRuns(raw, secrets)
    const ref = requestRef(requestId)
    const detail = serverDetail(response.body)
    const said = detailRef(detail)
    if (status === 401)
      throw new ApiError(
        `${this.apiUrl} rejected the credentials (401${ref})${said}`,
        401,
        requestId,
        'unauthorized',
        'Check the API key, or log in again',
        detail,
      )
    if (status === 403)
      throw new ApiError(
        `${this.apiUrl} refused access (403${ref})${said}`,
        403,
        requestId,
        'forbidden',
        'The credentials are valid but not allowed to do this',
        detail,
      )
    if (status >= 500)
      throw new ApiError(`${this.apiUrl}${path} failed with ${status}${ref}${said}`, status, requestId, 'server_error', 'Try again later', detail)
    throw new ApiError(`${this.apiUrl}${path} answered ${status}${ref}${said}`, status, requestId, 'http_error', 'Check the environment URL', detail)
  }
}
