import path from 'node:path'

import {withFileLock} from './file-lock.js'
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

  constructor(readonly dir: string) {
    this.file = path.join(dir, CONFIG_FILE)
  }

  /** The current document, or a fresh one when there is no file yet. */
  async read(): Promise<StateDocument> {
    const raw = await readJsonFile(this.file)
    return raw === undefined ? emptyState() : migrate(raw, this.file)
  }

  /** Applies `change` to the latest document under the lock and saves the result atomically. */
  async update<T>(change: (doc: StateDocument) => Promise<T> | T): Promise<T> {
    return this.withLock(async () => {
      const doc = await this.read()
      const result = await change(doc)
      await writeJsonFileAtomic(this.file, doc)
      return result
    })
  }

  /** Holds the config's cross-process lock while `fn` runs (also used to serialise token refreshes). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.dir, this.file, fn)
  }
}
