import {existsSync} from 'node:fs'
import path from 'node:path'

import {type SecretStore, secretAccount, SECRETS_FILE} from '../stores/secret-store.js'
import {emptyState} from '../stores/schema.js'
import type {StateStore} from '../stores/state-store.js'

/** The files this plugin keeps, as `config show-db` names them. */
export interface LocalFiles {
  /** config.json: environments and profiles, no secrets. */
  config: string
  /** The Python llamactl's profiles.db, when there is one (read by `auth import`, never written; on Windows in Python's own directory). */
  pythonProfilesDb: null | string
  /** secrets.json: where secrets go when there is no OS keychain (or LLAMACTL_SECRET_STORE=file). */
  secrets: string
}

export interface LocalStateDeps {
  configDir: string
  pythonProfilesDb: string
  secrets: () => Promise<SecretStore>
  state: StateStore
}

/** The plugin's local state as a whole: what `config show-db` names and `config destroy` removes. */
export class LocalState {
  constructor(private readonly deps: LocalStateDeps) {}

  /** The paths of the files (see LocalFiles). Reads nothing but one stat. */
  files(): LocalFiles {
    const {configDir, pythonProfilesDb} = this.deps
    return {
      config: path.join(configDir, 'config.json'),
      pythonProfilesDb: existsSync(pythonProfilesDb) ? pythonProfilesDb : null,
      secrets: path.join(configDir, SECRETS_FILE),
    }
  }

  /**
   * Forgets every environment and profile: their secrets first (keychain entries or
   * secrets.json's), then config.json goes back to a fresh one (the built-in environment only).
   * config.json is rewritten, not deleted, so the next run doesn't import profiles.db again as
   * a first run would; profiles.db itself is never touched. Returns how many profiles went.
   */
  async destroy(): Promise<{profiles: number}> {
    // One read, under the config's lock: a profile another process adds meanwhile can't keep its secret unreferenced.
    const removed = await this.deps.state.update(async (doc) => {
      await (await this.deps.secrets()).deleteMany(doc.profiles.map((p) => secretAccount(p)))
      const count = doc.profiles.length
      Object.assign(doc, emptyState())
      return count
    })
    return {profiles: removed}
  }
}
