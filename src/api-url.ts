import {UsageError} from './errors.js'

/** Whether a URL points at this machine (127.0.0.0/8, ::1, localhost), where plain http can't be overheard. */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname)
}

/**
 * The one transport rule for anything that carries a secret or a sign-in: https, or plain http
 * to loopback only. Used for OpenID provider endpoints and for sign-in URLs shown or opened.
 */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))
}

/** Parses an absolute URL; undefined when it is not one. */
export function parseUrl(input: string): undefined | URL {
  try {
    return new URL(input)
  } catch {
    return undefined
  }
}

/** Validates and normalises an API URL: http(s) only, no trailing slash, no query or fragment. */
export function normalizeApiUrl(input: string): string {
  const url = parseUrl(input.trim())
  if (!url) throw new UsageError(`"${input}" is not a URL`, 'Give the control plane API URL, e.g. https://api.cloud.llamaindex.ai')
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`"${input}" is not an http(s) URL`, 'Give the control plane API URL, e.g. https://api.cloud.llamaindex.ai')
  if (url.username || url.password) throw new UsageError('The API URL must not contain credentials', 'Remove user:password@ from it')
  url.search = ''
  url.hash = ''
  return url.toString().replace(/\/+$/, '')
}
