import {spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {CliResult, ROOT, RUN_JS} from './cli.js'
import type {OidcTokens} from '../../src/net/device-login.js'
import type {ProfileSecrets} from '../../src/stores/secret-store.js'
import type {ProfileRecord, StateDocument} from '../../src/stores/schema.js'

/** The `$BROWSER` stand-in that approves or denies over loopback HTTP (see the script). */
export const STAND_IN_BROWSER = path.join(ROOT, 'test', 'support', 'stand-in-browser.mjs')

export interface RunningCli {
  child: ReturnType<typeof spawn>
  done: Promise<CliResult>
  stderr(): string
  /** Resolves once stderr matches, rejects after `ms`. */
  waitForStderr(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>
}

/** Starts the built CLI without waiting for it, so a test can read its output and signal it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): RunningCli {
  const childEnv: NodeJS.ProcessEnv = {...process.env, ...env}
  delete childEnv.CI
  const child = spawn(process.execPath, [RUN_JS, ...args], {env: childEnv, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  child.stdin!.end()
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, stdout})
    })
  })
  return {
    child,
    done,
    stderr: () => stderr,
    waitForStderr(pattern, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now()
        const check = () => {
          const match = pattern.exec(stderr)
          if (match) return resolve(match)
          if (Date.now() - started > ms || child.exitCode !== null) return reject(new Error(`stderr never matched ${pattern}: ${stderr}`))
          setTimeout(check, 50)
        }

        check()
      })
    },
  }
}

/** The secrets the file store holds, by account. */
export function readSecrets(dir: string): Record<string, ProfileSecrets> {
  const file = path.join(dir, 'secrets.json')
  if (!existsSync(file)) return {}
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {secrets: Record<string, string>}
  return Object.fromEntries(Object.entries(doc.secrets).map(([k, v]) => [k, JSON.parse(v) as ProfileSecrets]))
}

export function readConfig(dir: string): StateDocument {
  return JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as StateDocument
}

/** The environment under which `auth login` signs in as `email` through the stand-in browser and approves. */
export function approvingBrowser(email: string, log?: string): NodeJS.ProcessEnv {
  return {BROWSER: STAND_IN_BROWSER, LLAMACTL_TEST_BROWSER_ACTION: 'approve', LLAMACTL_TEST_BROWSER_EMAIL: email, LLAMACTL_TEST_BROWSER_LOG: log}
}

/**
 * Signs ALICE in to a test provider through the real device flow (DeviceLogin), approved by
 * the stand-in browser: the tokens a browser login (ours or the Python llamactl's) ends with.
 */
export async function deviceLoginTokens(discoveryUrl: string, clientId: string): Promise<OidcTokens> {
  const {DeviceLogin} = await import('../../src/net/device-login.js')
  const login = await DeviceLogin.discover({clientId, discoveryUrl})
  const auth = await login.start()
  const browser = spawn(process.execPath, [STAND_IN_BROWSER, auth.verificationUriComplete!], {stdio: 'ignore'})
  const timer = setTimeout(() => browser.kill('SIGKILL'), 15_000)
  try {
    return await login.wait(auth, new AbortController().signal)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * What `auth login` leaves behind for ALICE at `serverUrl`, made the real way: a device login
 * at `discoveryUrl`, a key minted with its access token. The profile record (not yet saved) and
 * the secrets to store for it; the caller saves both where its test wants them.
 */
export async function loggedInProfile(
  serverUrl: string,
  discoveryUrl: string,
): Promise<{profile: ProfileRecord; secrets: ProfileSecrets & {accessToken: string; apiKey: string}}> {
  const [{ControlPlaneClient}, {ALICE, CLI_CLIENT_ID}] = await Promise.all([import('../../src/net/control-plane-client.js'), import('./oidc-provider.js')])
  const tokens = await deviceLoginTokens(discoveryUrl, CLI_CLIENT_ID)
  const minted = await new ControlPlaneClient(serverUrl).createApiKey(tokens.accessToken, 'at login')
  const profile: ProfileRecord = {
    apiUrl: serverUrl,
    authType: 'login',
    email: ALICE.email,
    id: randomUUID(),
    keyId: minted.id,
    name: ALICE.email,
    projectId: 'p1',
    sub: ALICE.sub,
  }
  const secrets = {
    accessToken: tokens.accessToken,
    apiKey: minted.secret,
    expiresAt: tokens.expiresAt,
    idToken: tokens.idToken,
    refreshToken: tokens.refreshToken,
  }
  return {profile, secrets}
}
