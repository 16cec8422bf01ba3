import path from 'node:path'

import {CliError} from '../errors.js'
import {mayExist, readOwnJsonFile, writeJsonFileAtomic} from './json-file.js'
import {emptyState, migrate, StateDocument} from './schema.js'

export const CONFIG_FILE = 'config.json'

export interface StateStoreOptions {
  /**
   * Called once, before the first read or write, when there is no config file yet: the import of
   * the Python llamactl's state (see DefaultServices). It must not use this store, whose first read
   * waits for it; the file it may write is read afterwards.
   */
  firstRun?: () => Promise<void>
  /**
   * Called once after the first read of an existing file, with what was read: the sync of the
   * Python llamactl's changes (see DefaultServices). True when it changed the file, which is then
   * read again. Like firstRun, it must not use this store.
   */
  sync?: (doc: StateDocument) => Promise<boolean>
  /** Receives the one warning about a config dir that others can write to. */
  warn?: (message: string) => void
}

/**
 * The config file: environments, profiles (no secrets), current environment, current profile
 * per environment. Reads are lock-free (writes are atomic renames); every change is a
 * read-modify-write under a cross-process lock.
 */
export class StateStore {
  readonly file: string
  /** The document as this process last read or wrote it: one command reads the file once. */
  private cached?: Promise<StateDocument>

  constructor(
    readonly dir: string,
    private readonly options: StateStoreOptions = {},
  ) {
    this.file = path.join(dir, CONFIG_FILE)
  }

  /**
   * The current document, or a fresh one when there is no file yet. Read once per process
   * (a command is short-lived) and shared: callers treat it as read-only and change the file
   * through `update`.
   */
  async read(): Promise<StateDocument> {
    this.cached ??= this.firstLoad()
    return this.cached
  }

  /** Applies `change` to the latest document under the lock and saves the result atomically. */
  async update<T>(change: (doc: StateDocument) => Promise<T> | T): Promise<T> {
    // A first write would create the file and so skip the first-run hook for good: run it first.
    if (this.options.firstRun && !this.cached) await this.read()
    // Loaded here: commands that only read (auth list) never need the lock code.
    const {withFileLock} = await import('./file-lock.js')
    return withFileLock(
      this.dir,
      this.file,
      async () => {
        // Always the latest file under the lock: another process may have written since.
        const doc = await this.load()
        const result = await change(doc)
        await writeJsonFileAtomic(this.file, doc)
        this.cached = Promise.resolve(doc)
        return result
      },
      {warn: this.options.warn},
    )
  }

  /** The first read: runs the first-run hook when there is no file yet (one stat), then reads, then the sync hook. */
  private async firstLoad(): Promise<StateDocument> {
    const {firstRun, sync} = this.options
    const exists = (firstRun || sync) && mayExist(this.file)
    if (firstRun && !exists) await firstRun()
    const doc = await this.load()
    // Only over a file that was there: a first run has just read profiles.db (or declined to).
    return sync && exists && (await sync(doc)) ? this.load() : doc
  }

  /**
   * The file as it is now. It names the control plane the key is sent to, so only the user's own
   * file is used: in a shared config dir (1777) another user's config.json, or one others can
   * write, is refused, never followed (notOwnFile, the rule of a profiles.db import).
   */
  private async load(): Promise<StateDocument> {
    const raw = await readOwnJsonFile(this.file, untrustedConfig)
    return raw === undefined ? emptyState() : migrate(raw, this.file)
  }
}

/** The one line for a config.json that is not the user's own: what is wrong and the fix. */
function untrustedConfig(file: string, why: string): CliError {
  const dir = path.dirname(file)
  return new CliError(`${file} is not used: ${why}, so another user could choose where your API key is sent`, {
    code: 'config_untrusted',
    suggestion: `Set LLAMACTL_CONFIG_DIR to a directory of your own that only you can write (or, if the file is yours, \`chmod go-w ${file}\` and \`chmod go-w ${dir}\`)`,
  })
}
