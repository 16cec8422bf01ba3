import path from 'node:path'

import {readJsonFile, writeJsonFileAtomic} from './json-file.js'
import {emptyState, migrate, StateDocument} from './schema.js'

export const CONFIG_FILE = 'config.json'

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
    private readonly options: {warn?: (message: string) => void} = {},
  ) {
    this.file = path.join(dir, CONFIG_FILE)
  }

  /**
   * The current document, or a fresh one when there is no file yet. Read once per process
   * (a command is short-lived) and shared: callers treat it as read-only and change the file
   * through `update`.
   */
  async read(): Promise<StateDocument> {
    this.cached ??= this.load()
    return this.cached
  }

  /** Applies `change` to the latest document under the lock and saves the result atomically. */
  async update<T>(change: (doc: StateDocument) => Promise<T> | T): Promise<T> {
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

  private async load(): Promise<StateDocument> {
    const raw = await readJsonFile(this.file)
    return raw === undefined ? emptyState() : migrate(raw, this.file)
  }
}
