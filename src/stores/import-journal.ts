import {appendFileSync, lstatSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import path from 'node:path'

import type {SecretStore} from './secret-store.js'

/*
 * An import writes its profiles' secrets first, one keychain entry each, then the config that
 * references them. A process killed in between (SIGKILL, a crash, power loss) leaves entries that
 * no profile references. "No profile of this config references it" alone can't tell which those
 * are: the keychain is shared by every config dir of the user (LLAMACTL_CONFIG_DIR), so another
 * dir's entries look the same. So each import notes in a journal of its own, in the config dir,
 * every account before it writes it; a finished import removes its journal, and the next import
 * removes what a journal left behind names and its config doesn't reference.
 */

const PREFIX = 'import-secrets.'
const SUFFIX = '.journal'
/** What a journal line may be: an account of ours (`profile:<id>`), nothing else is ever deleted. */
const ACCOUNT = /^profile:[\w-]{1,200}$/

/** The journal of one import: the accounts it is about to write, one a line (no secret). */
export class ImportJournal {
  readonly file: string

  constructor(dir: string) {
    this.file = path.join(dir, `${PREFIX}${process.pid}.${Math.random().toString(36).slice(2)}${SUFFIX}`)
  }

  /** Notes accounts before they are written. */
  note(accounts: readonly string[]): void {
    appendFileSync(this.file, accounts.map((account) => `${account}\n`).join(''), {mode: 0o600})
  }

  /** Removes the journal: the config references its accounts now, or they were removed again. */
  end(): void {
    rmSync(this.file, {force: true})
  }
}

/**
 * Removes the secrets that imports killed before their config update left: the accounts their
 * journals name that `referenced` (the config's profiles) does not, then those journals. Call
 * under the config lock, where no import is between its writes. Only the user's own journals
 * count (one another user could write would choose what gets deleted). Best effort: a keychain
 * that fails keeps the journals for the next import.
 */
export async function sweepImportLeftovers(dir: string, referenced: ReadonlySet<string>, secrets: () => Promise<SecretStore>): Promise<void> {
  const journals = readdirSync(dir).filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX) && ownFile(path.join(dir, name)))
  if (journals.length === 0) return
  const leftovers = new Set<string>()
  for (const name of journals)
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) if (ACCOUNT.test(line) && !referenced.has(line)) leftovers.add(line)
  try {
    if (leftovers.size > 0) await (await secrets()).deleteMany([...leftovers])
  } catch {
    return
  }

  for (const name of journals) rmSync(path.join(dir, name), {force: true})
}

/** A regular file of this user's that nobody else can write (Windows has no uid: its own ACLs decide). */
function ownFile(file: string): boolean {
  const stat = lstatSync(file, {throwIfNoEntry: false})
  if (!stat?.isFile()) return false
  return process.getuid === undefined || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0)
}
