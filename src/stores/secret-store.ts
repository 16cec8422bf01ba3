import path from 'node:path'

import {CliError, UsageError} from '../errors.js'
import {readJsonFile, writeJsonFileAtomic} from './json-file.js'
import {checkSecretsFile, type SecretsFileDocument} from './schema.js'

/** Keychain service name (docs/formats.md). */
export const KEYCHAIN_SERVICE = 'llamactl'
export const SECRETS_FILE = 'secrets.json'
/** The lock file name behind `exclusive`. */
export const REFRESH_LOCK = 'oidc-refresh'

/** The account under which a profile's secrets are stored (its stable id, never its name). */
export const secretAccount = (profile: {id: string}): string => `profile:${profile.id}`

/** What a profile keeps secret. Stored as one JSON value per profile. */
export interface ProfileSecrets {
  accessToken?: string
  apiKey?: string
  /** Epoch seconds at which `accessToken` expires. */
  expiresAt?: number
  idToken?: string
  refreshToken?: string
}

export type SecretStoreMode = 'auto' | 'file' | 'keychain'

interface Keytar {
  deletePassword(service: string, account: string): Promise<boolean>
  getPassword(service: string, account: string): Promise<null | string>
  setPassword(service: string, account: string, password: string): Promise<void>
}

export interface SecretStoreOptions {
  /** Where the fallback file lives (the config dir). */
  dir: string
  /** How to load keytar; tests pass a loader that fails to exercise that path. */
  loadKeytar?: () => Promise<Keytar>
  mode?: SecretStoreMode
  timeoutMs?: number
  /** Receives the one warning per command about the file fallback. */
  warn: (message: string) => void
}

/** Reads LLAMACTL_SECRET_STORE; anything else than keychain/file is a usage error. */
export function secretStoreMode(value: string | undefined): SecretStoreMode {
  if (value === undefined || value === '' || value === 'auto') return 'auto'
  if (value === 'file' || value === 'keychain') return value
  throw new UsageError(`LLAMACTL_SECRET_STORE=${value} is not understood`, 'Use keychain, file, or leave it unset')
}

/** How to unlock the keychain, for every `keychain_locked` error. */
export const UNLOCK_HINT =
  'Unlock it (sign in to the desktop session, or unlock the "login" keyring in Seahorse; over SSH run `gnome-keyring-daemon --replace --unlock`, type the keyring password and press Ctrl-D)'

/** A keychain operation the OS keychain did not carry out because it is locked. */
function lockedError(account: string, what: 'delete' | 'read' | 'store'): CliError {
  return new CliError(
    `The OS keychain is locked, so the secrets of ${account} (service ${KEYCHAIN_SERVICE}) could not be ${what === 'store' ? 'stored' : what === 'read' ? 'read' : 'deleted'}`,
    {
      code: 'keychain_locked',
      suggestion: `${UNLOCK_HINT} and try again`,
    },
  )
}

async function defaultLoadKeytar(): Promise<Keytar> {
  const mod = (await import('keytar')) as unknown as {default?: Keytar} & Keytar
  return mod.default ?? mod
}

/**
 * Profile secrets in the OS keychain through keytar (service `llamactl`), or in a 0600
 * file where no keychain can be used. keytar loads on first use only; each keychain call
 * has a timeout so a locked or wedged keychain can't hang the CLI.
 */
export class SecretStore {
  readonly file: string
  private backendPromise?: Promise<'file' | Keytar>
  private readonly mode: SecretStoreMode
  private readonly timeoutMs: number

  constructor(private readonly options: SecretStoreOptions) {
    this.file = path.join(options.dir, SECRETS_FILE)
    this.mode = options.mode ?? 'auto'
    this.timeoutMs = options.timeoutMs ?? 5000
  }

  /** Which backend holds secrets in this process: `keychain` or `file`. */
  async backend(): Promise<'file' | 'keychain'> {
    return (await this.resolveBackend()) === 'file' ? 'file' : 'keychain'
  }

  /**
   * Runs `fn` under a cross-process lock that serialises changes to login secrets: token
   * refreshes, and deletes of login profiles, so a refresh can't write deleted tokens back.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const {withFileLock} = await import('./file-lock.js')
    return withFileLock(this.options.dir, path.join(this.options.dir, REFRESH_LOCK), fn, {waitMs: 60_000, warn: this.options.warn})
  }

  /**
   * Removes a profile's secrets wherever they are; true when something was removed. An entry the
   * keychain keeps because it is locked is a `keychain_locked` error, never "nothing to remove".
   */
  async delete(account: string): Promise<boolean> {
    const backend = await this.resolveBackend()
    let removed = false
    if (backend !== 'file') {
      removed = await this.call('delete', () => backend.deletePassword(KEYCHAIN_SERVICE, account))
      if (!removed) await this.assertNotLocked(account, 'delete')
    }

    const fromFile = await this.removeFromFile(account)
    return removed || fromFile
  }

  /**
   * A profile's secrets, or null when none are stored. An entry the keychain holds but won't
   * give (locked) is a `keychain_locked` error, never "none stored".
   */
  async get(account: string): Promise<null | ProfileSecrets> {
    const backend = await this.resolveBackend()
    let value: null | string = null
    if (backend !== 'file') {
      value = await this.call('read', () => backend.getPassword(KEYCHAIN_SERVICE, account))
      if (value === null) await this.assertNotLocked(account, 'read')
    }

    // Secrets written by the file fallback stay readable after a keychain appears.
    if (value === null) value = (await this.readFile())[account] ?? null
    if (value === null) return null
    try {
      return JSON.parse(value) as ProfileSecrets
    } catch {
      // Never echo the value: it is a secret, even when damaged.
      throw new CliError(`The stored secrets of ${account} can't be read`, {
        code: 'secrets_corrupt',
        suggestion: 'Log out of that profile and sign in again',
      })
    }
  }

  /** Stores a profile's secrets, replacing what was there. */
  async set(account: string, secrets: ProfileSecrets): Promise<void> {
    const value = JSON.stringify(secrets)
    const backend = await this.resolveBackend()
    if (backend === 'file') {
      await this.updateFile((all) => {
        all[account] = value
      })
      return
    }

    try {
      await this.call('write', () => backend.setPassword(KEYCHAIN_SERVICE, account, value))
    } catch (error) {
      // gnome-keyring refuses to create an item in a locked collection; say so rather than "failed".
      if (error instanceof CliError && error.code === 'keychain_failed' && (await this.defaultCollectionLocked())) throw lockedError(account, 'store')
      throw error
    }

    // A copy left in the fallback file from an earlier keychain-less run is now stale.
    await this.removeFromFile(account)
  }

  /**
   * After keytar found nothing (or removed nothing): asks the Secret Service whether the entry is
   * there but locked. libsecret can't tell these apart without an unlock prompt, which SSH and
   * headless sessions can't show. Linux only: elsewhere keytar itself fails on a locked keychain.
   */
  private async assertNotLocked(account: string, what: 'delete' | 'read'): Promise<void> {
    if (process.platform !== 'linux') return
    const {secretItemState} = await import('./secret-service.js')
    if ((await secretItemState({account, service: KEYCHAIN_SERVICE}, {timeoutMs: this.timeoutMs})) === 'locked') throw lockedError(account, what)
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CliError(`The OS keychain did not answer within ${this.timeoutMs / 1000}s (${what})`, {
              code: 'keychain_timeout',
              suggestion: 'Unlock your keychain and try again, or set LLAMACTL_SECRET_STORE=file',
            }),
          ),
        this.timeoutMs,
      )
      timer.unref()
    })
    try {
      return await Promise.race([op(), timeout])
    } catch (error) {
      if (error instanceof CliError) throw error
      throw new CliError(`The OS keychain failed to ${what} a secret: ${(error as Error).message}`, {
        code: 'keychain_failed',
        suggestion: 'Check that your keychain is unlocked, or set LLAMACTL_SECRET_STORE=file',
      })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Probes the keychain once per process: load keytar and make one harmless call. */
  private async probeKeychain(): Promise<'file' | Keytar> {
    if (this.mode === 'file') return 'file'
    const probe = await this.loadWorkingKeytar()
    if (typeof probe !== 'string') return probe
    const reason = probe
    if (this.mode === 'keychain') {
      throw new CliError(`No OS keychain can be used: ${reason}`, {
        code: 'keychain_unavailable',
        suggestion: 'Start your keychain (Secret Service on Linux), or unset LLAMACTL_SECRET_STORE=keychain',
      })
    }

    this.options.warn(
      `No OS keychain can be used (${reason}); secrets go to ${this.file}, readable only by you. ` +
        'LLAMACTL_SECRET_STORE=file chooses that without this warning.',
    )
    return 'file'
  }

  /** keytar when it loads and the keychain answers; otherwise why not. */
  private async loadWorkingKeytar(): Promise<Keytar | string> {
    let keytar: Keytar
    try {
      keytar = await (this.options.loadKeytar ?? defaultLoadKeytar)()
    } catch (error) {
      return `keytar could not be loaded: ${(error as Error).message.split('\n')[0]}`
    }

    try {
      await this.call('read', () => keytar.getPassword(KEYCHAIN_SERVICE, '__probe__'))
      return keytar
    } catch (error) {
      // A keychain that is there but doesn't answer (locked, waiting for an unlock prompt) is
      // not "no keychain": fail rather than quietly write secrets to a file.
      if (error instanceof CliError && error.code === 'keychain_timeout') throw error
      return error instanceof CliError ? error.message.replace(/^The OS keychain failed to read a secret: /, '') : String(error)
    }
  }

  /** Whether the Secret Service says the collection new entries go to is locked. */
  private async defaultCollectionLocked(): Promise<boolean> {
    if (process.platform !== 'linux') return false
    const {defaultCollectionLocked} = await import('./secret-service.js')
    return (await defaultCollectionLocked({timeoutMs: this.timeoutMs})) === true
  }

  private async readFile(): Promise<Record<string, string>> {
    const raw = await readJsonFile(this.file, 'secrets_corrupt')
    return raw === undefined ? {} : checkSecretsFile(raw, this.file).secrets
  }

  private resolveBackend(): Promise<'file' | Keytar> {
    this.backendPromise ??= this.probeKeychain()
    return this.backendPromise
  }

  /** Drops an account from the fallback file: no lock taken and nothing rewritten when it isn't there. */
  private async removeFromFile(account: string): Promise<boolean> {
    if (!(account in (await this.readFile()))) return false
    return this.updateFile((secrets) => {
      const had = account in secrets
      delete secrets[account]
      return had
    })
  }

  private async updateFile<T>(change: (secrets: Record<string, string>) => T): Promise<T> {
    // Loaded here: commands that only read secrets (auth status) never need the lock code.
    const {withFileLock} = await import('./file-lock.js')
    return withFileLock(
      this.options.dir,
      this.file,
      async () => {
        const secrets = await this.readFile()
        const result = change(secrets)
        await writeJsonFileAtomic(this.file, {schemaVersion: 1, secrets} satisfies SecretsFileDocument)
        return result
      },
      {warn: this.options.warn},
    )
  }
}
