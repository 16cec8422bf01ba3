import path from 'node:path'

import {CliError, debugEnabled, UsageError} from '../errors.js'
import {KEYCHAIN_SERVICE} from '../model.js'
import {readJsonFile, writeJsonFileAtomic} from './json-file.js'
import type {Keytar} from './keytar-process.js'
import {checkSecretsFile, type SecretsFileDocument} from './schema.js'

/** Keychain service name (docs/formats.md). */
export {KEYCHAIN_SERVICE} from '../model.js'
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

export interface SecretStoreOptions {
  /** Where the fallback file lives (the config dir). */
  dir: string
  /** How to load keytar; tests pass a loader that fails to exercise that path. */
  loadKeytar?: () => Promise<Keytar>
  mode?: SecretStoreMode
  timeoutMs?: number
  /** Receives the one warning per process about the file fallback. */
  warn: (message: string) => void
  /** Warnings already given by this process: each is given once per process. Tests pass their own. */
  warned?: Set<string>
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

// The fallback warning is given once per process, however many stores a command builds.
const processWarnings = new Set<string>()

/**
 * Profile secrets in the OS keychain through keytar (service `llamactl`), or in a 0600
 * file where no keychain can be used. keytar starts on first use only, in a child process
 * (keytar-process.ts); each keychain call has a deadline, and a call that misses it ends that
 * child, so a locked or wedged keychain can't hang the CLI, its exit included.
 */
export class SecretStore {
  readonly file: string
  private backendPromise?: Promise<'file' | Keytar>
  /** Why the keychain is not used, once auto mode fell back to the file. */
  private cause: null | string = null
  /** Whether the keychain has answered a call: until then a failing call is the probe that decides on the fallback. */
  private confirmed = false
  /** The deadline error of a call the keychain never answered: every later call fails the same at once. */
  private hung?: CliError
  private readonly mode: SecretStoreMode
  private readonly timeoutMs: number

  constructor(private readonly options: SecretStoreOptions) {
    this.file = path.join(options.dir, SECRETS_FILE)
    this.mode = options.mode ?? 'auto'
    this.timeoutMs = options.timeoutMs ?? 5000
  }

  /** Why no OS keychain is used when auto mode fell back to the file (keytar's load error, the D-Bus message); else null. For `auth status`. */
  get fallbackCause(): null | string {
    return this.cause
  }

  /** Which backend holds secrets in this process: `keychain` or `file` (probing the keychain if nothing has used it yet). */
  async backend(): Promise<'file' | 'keychain'> {
    if ((await this.resolveBackend()) !== 'file' && !this.confirmed)
      await this.onKeychain('read', '__probe__', (keytar) => keytar.getPassword(KEYCHAIN_SERVICE, '__probe__'))
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
    const fromKeychain = await this.onKeychain('delete', account, (keytar) => keytar.deletePassword(KEYCHAIN_SERVICE, account))
    if (fromKeychain?.value === false) await this.assertNotLocked(account, 'delete')
    const fromFile = await this.removeFromFile(account)
    return fromKeychain?.value === true || fromFile
  }

  /**
   * A profile's secrets, or null when none are stored. An entry the keychain holds but won't
   * give (locked) is a `keychain_locked` error, never "none stored". The first call is also the
   * keychain's probe: no separate read is made to find out whether it works.
   */
  async get(account: string): Promise<null | ProfileSecrets> {
    const fromKeychain = await this.onKeychain('read', account, (keytar) => keytar.getPassword(KEYCHAIN_SERVICE, account))
    let value = fromKeychain?.value ?? null
    if (fromKeychain && value === null) await this.assertNotLocked(account, 'read')
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
    let stored
    try {
      stored = await this.onKeychain('write', account, (keytar) => keytar.setPassword(KEYCHAIN_SERVICE, account, value))
    } catch (error) {
      // gnome-keyring refuses to create an item in a locked collection; say so rather than "failed".
      if (error instanceof CliError && error.reason === 'keychain_failed' && (await this.defaultCollectionLocked())) throw lockedError(account, 'store')
      throw error
    }

    if (!stored) {
      await this.updateFile((all) => {
        all[account] = value
      })
      return
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
    const {secretItemState} = await import('../net/secret-service.js')
    if ((await secretItemState({account, service: KEYCHAIN_SERVICE}, {timeoutMs: this.timeoutMs})) === 'locked') throw lockedError(account, what)
  }

  private async call<T>(what: string, keytar: Keytar, op: (keytar: Keytar) => Promise<T>): Promise<T> {
    if (this.hung) throw this.hung
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.hung = new CliError(`The OS keychain did not answer within ${this.timeoutMs / 1000}s (${what})`, {
          code: 'keychain_timeout',
          suggestion: 'Unlock your keychain and try again, or set LLAMACTL_SECRET_STORE=file',
        })
        reject(this.hung)
        keytar.abandon?.()
      }, this.timeoutMs)
      timer.unref()
    })
    try {
      return await Promise.race([op(keytar), timeout])
    } catch (error) {
      if (error instanceof CliError) throw error
      const detail = (error as Error).message
      throw new CliError(`The OS keychain failed to ${what} a secret: ${detail}`, {
        code: 'keychain_failed',
        detail,
        suggestion: 'Check that your keychain is unlocked, or set LLAMACTL_SECRET_STORE=file',
      })
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Where auto mode goes when the keychain can't be used: the file, with one short warning per
   * process; the cause only under DEBUG (and in `auth status`). LLAMACTL_SECRET_STORE=keychain
   * makes it an error instead.
   */
  private fallBack(cause: string): 'file' {
    if (this.mode === 'keychain')
      throw new CliError(`No OS keychain can be used: ${cause}`, {
        code: 'keychain_unavailable',
        detail: cause,
        suggestion: 'Start your keychain (Secret Service on Linux), or unset LLAMACTL_SECRET_STORE=keychain',
      })
    this.cause = cause
    if (debugEnabled(process.env.DEBUG)) process.stderr.write(`llamactl: no OS keychain: ${cause}\n`)
    // One line under 100 columns whatever the path: `config show-db` names the file and how to silence this.
    const warning = 'No OS keychain found: secrets go to a file only you can read (`llamactl config show-db`)'
    const warned = this.options.warned ?? processWarnings
    if (!warned.has(warning)) {
      warned.add(warning)
      this.options.warn(warning)
    }

    return 'file'
  }

  /** keytar, loaded once per store; the file when the mode says so or keytar doesn't load. */
  private async loadBackend(): Promise<'file' | Keytar> {
    if (this.mode === 'file') return 'file'
    try {
      if (this.options.loadKeytar) return await this.options.loadKeytar()
      const {startKeytarProcess} = await import('./keytar-process.js')
      return await startKeytarProcess({timeoutMs: this.timeoutMs})
    } catch (error) {
      return this.fallBack(`keytar could not be loaded: ${(error as Error).message.split('\n')[0]}`)
    }
  }

  /**
   * Runs a keytar call, or returns null when secrets go to the file. The first call is the
   * probe: when keytar fails it (no D-Bus, no Secret Service), auto mode falls back to the file
   * for this store; a keychain that is there but doesn't answer (timeout) or is locked is an
   * error, never a quiet fallback to a file.
   */
  private async onKeychain<T>(what: 'delete' | 'read' | 'write', account: string, op: (keytar: Keytar) => Promise<T>): Promise<null | {value: T}> {
    const backend = await this.resolveBackend()
    if (backend === 'file') return null
    try {
      const value = await this.call(what, backend, op)
      this.confirmed = true
      return {value}
    } catch (error) {
      if (this.confirmed || !(error instanceof CliError) || error.reason !== 'keychain_failed') throw error
      if (await this.defaultCollectionLocked()) throw lockedError(account, what === 'write' ? 'store' : what)
      this.backendPromise = Promise.resolve(this.fallBack(error.detail ?? error.message))
      return null
    }
  }

  /** Whether the Secret Service says the collection new entries go to is locked. */
  private async defaultCollectionLocked(): Promise<boolean> {
    if (process.platform !== 'linux') return false
    const {defaultCollectionLocked} = await import('../net/secret-service.js')
    return (await defaultCollectionLocked({timeoutMs: this.timeoutMs})) === true
  }

  private async readFile(): Promise<Record<string, string>> {
    const raw = readJsonFile(this.file, 'secrets_corrupt')
    return raw === undefined ? {} : checkSecretsFile(raw, this.file).secrets
  }

  private resolveBackend(): Promise<'file' | Keytar> {
    this.backendPromise ??= this.loadBackend()
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

  /**
   * Stores several profiles' secrets, in order; returns the accounts written. The file store
   * writes them all in one locked write (all or none). keytar has no batch call, so the keychain
   * takes one setPassword each (the floor), and `stop` is asked before each: once it says so,
   * the rest are left out. A failure removes what was written before throwing. `journal` is told
   * each account before it is written (import-journal.ts: what a killed import leaves is swept).
   */
  async setMany(
    entries: ReadonlyArray<readonly [account: string, secrets: ProfileSecrets]>,
    stop?: () => boolean,
    journal?: {note(accounts: readonly string[]): void},
  ): Promise<string[]> {
    if ((await this.resolveBackend()) === 'file') {
      journal?.note(entries.map(([account]) => account))
      await this.updateFile((all) => {
        for (const [account, secrets] of entries) all[account] = JSON.stringify(secrets)
      })
      return entries.map(([account]) => account)
    }

    const written: string[] = []
    try {
      for (const [account, secrets] of entries) {
        if (stop?.()) break
        journal?.note([account])
        await this.set(account, secrets)
        written.push(account)
      }
    } catch (error) {
      // All or none here too: a caller learns nothing of what was written before the failure.
      for (const account of written) await this.delete(account).catch(() => {})
      throw error
    }

    return written
  }

  /** Removes several profiles' secrets (see delete): from the file in one locked write. */
  async deleteMany(accounts: readonly string[]): Promise<void> {
    if ((await this.resolveBackend()) === 'file') {
      await this.updateFile((all) => {
        for (const account of accounts) delete all[account]
      })
      return
    }

    for (const account of accounts) await this.delete(account)
  }
}
