import {chmodSync, chownSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

/** nobody's uid and gid on Debian: the second real user the ownership tests hand a file to. */
export const NOBODY = 65_534

/**
 * A file of another user that anyone may write: `victim.env` (0666, owned by nobody) in a 0777
 * folder `shared` under `dir`. Only root can make it (chown), so callers skip without root.
 */
export function otherUsersFile(dir: string): string {
  const shared = path.join(dir, 'shared')
  mkdirSync(shared)
  chmodSync(shared, 0o777)
  const target = path.join(shared, 'victim.env')
  writeFileSync(target, 'THEIRS=1\n')
  chmodSync(target, 0o666)
  chownSync(target, NOBODY, NOBODY)
  return target
}
