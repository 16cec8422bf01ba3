import http, {type IncomingHttpHeaders, type OutgoingHttpHeaders} from 'node:http'
import https, {type Agent as HttpsAgent} from 'node:https'
import {setTimeout as sleep} from 'node:timers/promises'
import {checkServerIdentity, type PeerCertificate} from 'node:tls'

import got, {type Got, type Method, type RequestError, type RequestFunction} from 'got'

import {ApiError, boundedRequestId, requestRef} from './api-error.js'
import {proxyFor, proxyLabel, type ProxyChoice} from './proxy.js'
import {nativeTlsCertificates, nativeTlsEnabled} from './system-ca.js'

/**
 * The one HTTP stack of the plugin: control-plane requests (ControlPlaneClient) and OpenID
 * requests (DeviceLogin, through `Http.fetch` handed to openid-client) both go through
 * `Http.request`, so they share one set of rules:
 * - proxies from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY (proxy.ts): a CONNECT tunnel
 *   (one agent per proxy) for https, absolute-form requests for plain http;
 * - CAs: Node's own store plus NODE_EXTRA_CA_CERTS (read by Node itself at start-up), and
 *   with LLAMACTL_NATIVE_TLS (or --native-tls) the operating system's store too (system-ca.ts);
 * - a timeout for each request, body included, and no retry after a timeout, so the bound a
 *   message states is the real one;
 * - no redirect is followed: a 3xx is an error naming where it pointed, so a bearer token
 *   never travels anywhere but the URL it was meant for;
 * - a response body is read up to `maxBodyBytes` (1 MiB) and the connection dropped past it.
 * This module loads got; import it lazily.
 */

/** Bodies beyond this are refused: the largest real answer (a project list) is a few kB. */
export const MAX_BODY_BYTES = 1024 * 1024
export const DEFAULT_TIMEOUT_MS = 15_000

export interface HttpOptions {
  /** Where proxy variables are read from (default: process.env). */
  env?: NodeJS.ProcessEnv
  maxBodyBytes?: number
  /** Bound on each request, from sending to the last byte of the body. */
  timeoutMs?: number
  userAgent?: string
}

export interface HttpRequest {
  body?: Buffer | string
  headers?: Record<string, string>
  /** The suggestion for an answer that isn't what was expected (a redirect, a huge body). */
  hint?: string
  method: Method
  /**
   * Idempotent requests only: one more try after 502/503/504 or a connection that failed
   * before any answer. Never after a timeout, which would double the wait the message states.
   */
  retry?: boolean
  /** What to call the server in messages (default: the URL's origin). */
  server?: string
  signal?: AbortSignal
  url: URL
}

export interface HttpResponse {
  /** The whole body, at most `maxBodyBytes`, decompressed. */
  body: Buffer
  headers: IncomingHttpHeaders
  /** The server's `x-request-id` (else `x-correlation-id`), shortened to something printable in a line. */
  requestId?: string
  status: number
}

/** What openid-client hands a custom fetch (oauth4webapi's CustomFetchOptions). */
export interface FetchInit {
  body?: ArrayBuffer | null | ReadableStream | string | Uint8Array | URLSearchParams
  headers?: Record<string, string>
  method?: string
  redirect?: string
  signal?: AbortSignal
}

const RETRY_STATUSES = new Set([502, 503, 504])
// Connection failures before any answer; ETIMEDOUT is left out on purpose (see `retry`).
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRINUSE'])
const DEFAULT_HINT = 'Check the URL: that is not an answer llamactl expects'

/** CONNECT-tunnel agents for https targets, one per proxy, shared by every request of the process. */
const tunnels = new Map<string, Promise<HttpsAgent>>()

function tunnelAgent(proxy: ProxyChoice): Promise<HttpsAgent> {
  if (!tunnels.has(proxy.url.href))
    tunnels.set(
      proxy.url.href,
      import('https-proxy-agent').then(({HttpsProxyAgent}) => new HttpsProxyAgent(proxy.url) as unknown as HttpsAgent),
    )
  return tunnels.get(proxy.url.href)!
}

/**
 * Plain-http targets go to the proxy in absolute form: the request is sent to the proxy with
 * the whole URL as its path (RFC 9112 §3.2.2), Host naming the target. Done here rather than
 * with an agent that rewrites a request already queued, which can send its header twice.
 */
function absoluteForm(proxy: URL): RequestFunction {
  return (url, options, callback) => {
    const headers: OutgoingHttpHeaders = {...(options.headers as OutgoingHttpHeaders), host: url.host}
    if (proxy.username || proxy.password)
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    const secureProxy = proxy.protocol === 'https:'
    const host = proxy.hostname.replace(/^\[|\]$/g, '')
    return (secureProxy ? https : http).request(
      {...options, agent: undefined, headers, host, hostname: host, path: url.href, port: proxy.port || (secureProxy ? 443 : 80), servername: undefined},
      callback,
    )
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** The request id a server sent in its headers: `x-request-id`, else `x-correlation-id` (both read by the Python llamactl). */
export function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  return boundedRequestId(first(headers['x-request-id'])) ?? boundedRequestId(first(headers['x-correlation-id']))
}

/** Where a redirect pointed, as a normalised absolute URL (parsing escapes what isn't printable). */
function redirectTarget(location: string | undefined, base: URL): string {
  if (!location) return 'nowhere (no Location header)'
  let href: string
  try {
    href = new URL(location, base).href
  } catch {
    return 'an invalid location'
  }

  return href.length > 200 ? `${href.slice(0, 200)}…` : href
}

const endpoint = (url: URL) => `${url.origin}${url.pathname === '/' ? '' : url.pathname}`
const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`)

/** The shared HTTP stack (see the module comment). */
export class Http {
  readonly env: NodeJS.ProcessEnv
  readonly maxBodyBytes: number
  /** Whether the operating system's trust store is added (LLAMACTL_NATIVE_TLS). */
  readonly nativeTls: boolean
  readonly timeoutMs: number
  private readonly got: Got

  constructor(options: HttpOptions = {}) {
    this.env = options.env ?? process.env
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.nativeTls = nativeTlsEnabled(this.env)
    this.got = got.extend({
      followRedirect: false,
      headers: {'user-agent': options.userAgent ?? 'llamactl-plugin-auth'},
      retry: {limit: 0},
      throwHttpErrors: false,
      timeout: {request: this.timeoutMs},
    })
  }

  /**
   * A `fetch` on this stack for openid-client (its `customFetch`): same proxies, timeout,
   * redirect rule and body cap as control-plane requests. An aborted signal rejects with its
   * reason, as fetch does.
   */
  readonly fetch = async (url: string, init: FetchInit = {}): Promise<Response> => {
    let response: HttpResponse
    try {
      response = await this.request({
        body: bodyOf(init.body),
        headers: init.headers,
        method: (init.method ?? 'GET').toUpperCase() as Method,
        signal: init.signal,
        url: new URL(url),
      })
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason
      throw error
    }

    const headers = new Headers()
    for (const [name, value] of Object.entries(response.headers)) for (const v of [value].flat()) if (v !== undefined) headers.append(name, v)
    const empty = [204, 205, 304].includes(response.status)
    return new Response(empty ? null : response.body, {headers, status: response.status})
  }

  /**
   * Sends one request (two at most, see `retry`) and reads the whole, bounded answer. Never
   * follows a redirect. Rejects with an ApiError: `redirect` (3xx), `bad_response` (body over
   * the cap), `timeout`, `tls`, `proxy_auth`, `unreachable`.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const again = req.retry && attempt === 0
      try {
        const response = await this.once(req)
        if (again && RETRY_STATUSES.has(response.status)) {
          await sleep(150)
          continue
        }

        return response
      } catch (error) {
        if (!again || !(error instanceof TransportFailure) || !RETRY_CODES.has(error.cause.code ?? '')) throw unwrap(error)
        await sleep(150)
      }
    }
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const proxy = proxyFor(req.url, this.env)
    // Through a proxy: https in a CONNECT tunnel, plain http in absolute form.
    const tunnel = proxy && req.url.protocol === 'https:' ? await tunnelAgent(proxy) : undefined
    const ca = this.nativeTls && req.url.protocol === 'https:' ? await nativeTlsCertificates(this.env) : undefined
    return new Promise<HttpResponse>((resolve, reject) => {
      const stream = this.got.stream(req.url, {
        agent: tunnel ? {https: tunnel} : {},
        body: req.body,
        headers: req.headers,
        // In a tunnel the TLS socket is made without the target's host, so Node would check the
        // certificate against "localhost" when the host is an IP address: check the real one.
        https: {
          ...(tunnel ? {checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(req.url.hostname.replace(/^\[|\]$/g, ''), cert)} : {}),
          ...(ca ? {certificateAuthority: ca} : {}),
        },
        method: req.method,
        request: proxy && !tunnel ? absoluteForm(proxy.url) : undefined,
        signal: req.signal,
      })
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        stream.destroy()
        reject(error)
      }

      stream.on('error', (error: RequestError) => fail(new TransportFailure(this.transportError(error, req, proxy), error)))
      // A proxy that refuses the tunnel answers the CONNECT itself; the agent would pass that
      // answer on as if the server had sent it, so it is caught here and blamed on the proxy.
      if (proxy && tunnel)
        stream.once('request', (request: http.ClientRequest) =>
          request.once('proxyConnect', ({statusCode}: {statusCode: number}) => {
            if (statusCode !== 200) fail(this.tunnelRefused(statusCode, req, proxy))
          }),
        )
      stream.on('response', (response: {headers: IncomingHttpHeaders; statusCode: number}) => {
        const {headers, statusCode: status} = response
        const requestId = requestIdOf(headers)
        const ref = requestRef(requestId)
        if (status >= 300 && status < 400) {
          const target = redirectTarget(first(headers.location), req.url)
          return fail(
            new ApiError(
              `${endpoint(req.url)} answered with a redirect (${status}${ref}) to ${target}`,
              status,
              requestId,
              'redirect',
              `llamactl follows no redirects, so nothing was sent there. ${req.hint ?? DEFAULT_HINT}`,
            ),
          )
        }

        // Plain http through a proxy: a 407 is the proxy's own answer.
        if (status === 407 && proxy)
          return fail(
            new ApiError(
              `The proxy ${proxyLabel(proxy.url)} (${proxy.variable}) wants credentials (407${ref})`,
              status,
              requestId,
              'proxy_auth',
              `Give them in ${proxy.variable} as http://USER:PASSWORD@HOST:PORT`,
            ),
          )
        const tooLarge = () =>
          new ApiError(
            `${endpoint(req.url)} sent an answer larger than ${mib(this.maxBodyBytes)} (${status}${ref})`,
            status,
            requestId,
            'bad_response',
            req.hint ?? DEFAULT_HINT,
          )
        // A declared length over the cap is refused before a byte of the body is read.
        if (Number(headers['content-length']) > this.maxBodyBytes) return fail(tooLarge())
        const chunks: Buffer[] = []
        let size = 0
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > this.maxBodyBytes) fail(tooLarge())
          else chunks.push(chunk)
        })
        stream.on('end', () => {
          if (settled) return
          settled = true
          resolve({body: Buffer.concat(chunks), headers, requestId, status})
        })
      })
      // got waits for a body to be written unless the method has none; these requests have no other.
      if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') stream.end()
    })
  }

  private tunnelRefused(status: number, req: HttpRequest, proxy: ProxyChoice): ApiError {
    const label = `The proxy ${proxyLabel(proxy.url)} (${proxy.variable})`
    if (status === 407)
      return new ApiError(
        `${label} wants credentials (407)`,
        status,
        undefined,
        'proxy_auth',
        `Give them in ${proxy.variable} as http://USER:PASSWORD@HOST:PORT`,
      )
    return new ApiError(
      `${label} refused a tunnel to ${req.url.host} (${status})`,
      status,
      undefined,
      'unreachable',
      `Check the URL, and that the proxy lets you reach that host (or exempt it with NO_PROXY)`,
    )
  }

  private transportError(error: RequestError, req: HttpRequest, proxy: ProxyChoice | undefined): ApiError {
    const server = req.server ?? req.url.origin
    const code = error.code ?? 'ERR'
    const via = proxy ? ` through the proxy ${proxyLabel(proxy.url)} (${proxy.variable})` : ''
    if (error.name === 'TimeoutError')
      return new ApiError(
        `${server} did not answer within ${this.timeoutMs / 1000}s${via}`,
        undefined,
        undefined,
        'timeout',
        'Check your network and try again (LLAMACTL_HTTP_TIMEOUT_MS sets the limit)',
      )
    if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN')
      return new ApiError(
        `Could not send a request to ${server}: a header holds a character HTTP does not allow (${code})`,
        undefined,
        undefined,
        'invalid_header',
        'Check the API key or token for stray characters',
      )
    if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code))
      return new ApiError(
        `TLS error talking to ${server}${via} (${code})`,
        undefined,
        undefined,
        'tls',
        this.nativeTls
          ? 'Check the URL and the certificates you trust (NODE_EXTRA_CA_CERTS, the system store)'
          : "Check the URL and the certificates you trust (NODE_EXTRA_CA_CERTS, or the system's with LLAMACTL_NATIVE_TLS=1 or --native-tls)",
      )
    const suggestion = proxy
      ? `Check the proxy settings (${proxy.variable}, NO_PROXY) and your network connection`
      : 'Check the URL and your network connection (behind a proxy, set HTTPS_PROXY)'
    return new ApiError(`Could not reach ${server}${via} (${code})`, undefined, undefined, 'unreachable', suggestion)
  }
}

/** A transport failure with got's error kept for the retry decision. */
class TransportFailure extends Error {
  constructor(
    readonly error: ApiError,
    override readonly cause: RequestError,
  ) {
    super(error.message)
  }
}

const unwrap = (error: unknown) => (error instanceof TransportFailure ? error.error : error)

function bodyOf(body: FetchInit['body']): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError('streamed request bodies are not supported')
}
