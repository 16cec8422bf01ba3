import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import {rootCertificates} from 'node:tls'
import {promisify} from 'node:util'

import {CliError} from '../errors.js'
import {NATIVE_TLS_VARIABLE, parseBoolean, TRUSTSTORE_VARIABLE} from '../variables.js'

/**
 * `LLAMACTL_NATIVE_TLS=1` / `--native-tls` (the Python llamactl 0.10's option): trust the
 * operating system's certificate store as well. Node 20 has no API for that store, so it is
 * read here and handed to each TLS connection together with what Node trusts by itself (its
 * bundled CAs and the NODE_EXTRA_CA_CERTS file), which an explicit CA list would otherwise replace.
 */

/** Where Linux distributions keep the system CA bundle (the list Go's crypto/x509 searches). */
export const LINUX_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7+
  '/etc/ssl/cert.pem', // Alpine
]

/** The macOS keychains whose certificates are the system's trust roots. */
const MACOS_KEYCHAINS = ['/System/Library/Keychains/SystemRootCertificates.keychain', '/Library/Keychains/System.keychain']

/**
 * Whether the operating system's store is wanted: LLAMACTL_NATIVE_TLS (or the flag, which sets it
 * for the run), a boolean the click way, or LLAMA_DEPLOY_USE_TRUSTSTORE as the Python llamactl's
 * HTTP clients read it (see TRUSTSTORE_VARIABLE).
 */
export function nativeTlsEnabled(env: NodeJS.ProcessEnv): boolean {
  const truststore = ['1', 'true', 'yes'].includes((env[TRUSTSTORE_VARIABLE] ?? '').toLowerCase())
  return (parseBoolean(NATIVE_TLS_VARIABLE, env[NATIVE_TLS_VARIABLE]) ?? false) || truststore
}

const cache = new Map<string, Promise<string[]>>()

/**
 * The CA list for a connection with the operating system's store: Node's bundled CAs, the
 * NODE_EXTRA_CA_CERTS file (as Node reads it: from this process's environment), and the system
 * store (systemCertificates). Read once per process.
 */
export function nativeTlsCertificates(env: NodeJS.ProcessEnv): Promise<string[]> {
  const key = env.SSL_CERT_FILE ?? ''
  if (!cache.has(key)) {
    const extra = process.env.NODE_EXTRA_CA_CERTS
    const reading = Promise.all([systemCertificates(env), extra ? readFile(extra, 'utf8').catch(() => '') : ''])
      .then(([system, extraPem]) => [...rootCertificates, ...(extraPem ? [extraPem] : []), ...system])
      .catch((error) => {
        cache.delete(key)
        throw error
      })
    cache.set(key, reading)
  }

  return cache.get(key)!
}

/**
 * The operating system's trust store as PEM text. Linux: the file in SSL_CERT_FILE when set (as
 * OpenSSL, and so Python, reads it), else the first system bundle found; macOS: the system
 * keychains' certificates (`security find-certificate`); elsewhere nothing (Windows' store is
 * not read). No bundle where one is expected is an error: the run asked for it.
 */
export async function systemCertificates(env: NodeJS.ProcessEnv): Promise<string[]> {
  const fix = `Unset ${NATIVE_TLS_VARIABLE} (and --native-tls), or name a PEM bundle in SSL_CERT_FILE`
  if (process.platform === 'darwin' && !env.SSL_CERT_FILE) {
    const run = promisify(execFile)
    try {
      return await Promise.all(MACOS_KEYCHAINS.map(async (keychain) => (await run('security', ['find-certificate', '-a', '-p', keychain])).stdout))
    } catch (error) {
      throw new CliError(`Could not read the system keychains' certificates (${(error as Error).message.split('\n')[0]})`, {code: 'tls', suggestion: fix})
    }
  }

  if (process.platform === 'win32' && !env.SSL_CERT_FILE) return []
  const candidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : LINUX_CA_BUNDLES
  for (const file of candidates) {
    const pem = await readFile(file, 'utf8').catch(() => null)
    if (pem !== null) return [pem]
  }

  throw new CliError(
    env.SSL_CERT_FILE
      ? `Could not read the CA bundle in SSL_CERT_FILE (${env.SSL_CERT_FILE})`
      : `No system CA bundle found (looked for ${LINUX_CA_BUNDLES.join(', ')})`,
    {code: 'tls', suggestion: fix},
  )
}
