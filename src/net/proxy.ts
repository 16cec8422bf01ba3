import {BlockList, isIP} from 'node:net'

import {UsageError} from '../errors.js'

/** The proxy a request goes through, and which variable named it (for messages). */
export interface ProxyChoice {
  /** The proxy's URL; may carry user:password, so never print it: use `proxyLabel`. */
  url: URL
  variable: string
}

/** Reads a variable the way curl does: the lower-case name first, then the upper-case one; empty is unset. */
function read(env: NodeJS.ProcessEnv, name: string): undefined | {name: string; value: string} {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim()
    if (value) return {name: key, value}
  }

  return undefined
}

/** A proxy URL without its credentials, safe to show. */
export function proxyLabel(proxy: URL): string {
  return proxy.origin
}

/**
 * Whether NO_PROXY exempts a host: `*` (everything), a domain (itself and its subdomains; a
 * leading `.` or `*.` is ignored), an IP address, or an IP range in CIDR form; each optionally
 * with `:port`. The curl/Go rules, which also read `example.com` as covering its subdomains.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (let entry of noProxy
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (entry === '*') return true
    let entryPort: string | undefined
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry)
    if (withPort) [, entry, entryPort] = withPort
    if (entryPort && entryPort !== port) continue
    entry = entry.replace(/^\[|\]$/g, '')
    const slash = entry.indexOf('/')
    if (slash > 0) {
      const [base, bits] = [entry.slice(0, slash), Number(entry.slice(slash + 1))]
      const family = isIP(base)
      if (family === 0 || isIP(host) !== family || !Number.isInteger(bits)) continue
      const range = new BlockList()
      try {
        range.addSubnet(base, bits, family === 4 ? 'ipv4' : 'ipv6')
      } catch {
        continue // a prefix out of range is not a rule
      }

      if (range.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true
      continue
    }

    const domain = entry.replace(/^\*?\./, '')
    if (host === domain || (isIP(host) === 0 && host.endsWith(`.${domain}`))) return true
  }

  return false
}

/**
 * The proxy for a request from the environment: `https_proxy` for https URLs, `http_proxy` for
 * http ones, `all_proxy` for both (each in either case, lower case first), unless `no_proxy`
 * exempts the host. Loopback is not exempt by itself (as in curl): list it in NO_PROXY.
 * A proxy URL without a scheme is taken as http://; http and https proxies are supported.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): ProxyChoice | undefined {
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const setting = read(env, `${scheme}_proxy`) ?? read(env, 'all_proxy')
  if (!setting) return undefined
  const noProxy = read(env, 'no_proxy')
  if (noProxy && bypassesProxy(url, noProxy.value)) return undefined

  const raw = setting.value.includes('://') ? setting.value : `http://${setting.value}`
  let proxy: URL
  try {
    proxy = new URL(raw)
  } catch {
    throw new UsageError(`${setting.name} is not a proxy URL`, `Set it to http://HOST:PORT (or unset it)`)
  }

  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
    throw new UsageError(
      `${setting.name} names a ${proxy.protocol.replace(/:$/, '')} proxy, which llamactl does not support`,
      `Use an http:// or https:// proxy, or exempt the host with NO_PROXY`,
    )
  return {url: proxy, variable: setting.name}
}
