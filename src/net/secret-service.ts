import {execFile} from 'node:child_process'

/*
 * What keytar can't tell, asked of the Secret Service (the freedesktop.org keychain API served by
 * gnome-keyring, KeePassXC, KWallet) with `dbus-send`. libsecret, under keytar, answers "not
 * found" for an entry in a locked collection and "nothing deleted" for a delete of one when no
 * unlock prompt can be shown (SSH, headless), so a locked keychain looks empty. The Secret Service
 * itself knows: `SearchItems` returns matching items in two lists, unlocked and locked (item
 * attributes stay searchable while locked), and a collection has a `Locked` property. Python's
 * keyring (through secretstorage) asks the same way.
 *
 * dbus-send comes with the D-Bus daemon (Debian's dbus-bin, which dbus-daemon depends on), so a
 * machine with a dbus-daemon session bus has it. It is asked only after keytar answered
 * "nothing" or failed. Where it is missing, or answers nothing in time, the answer is "can't
 * tell" (undefined), as without a bus.
 */

export interface SecretServiceOptions {
  /** The environment dbus-send runs in: its session bus (default: process.env, the bus keytar uses). */
  env?: NodeJS.ProcessEnv
  /** Bound on the whole exchange (default 2 s). */
  timeoutMs?: number
}

/**
 * Whether the Secret Service holds an item with these attributes, and whether it is locked.
 * Undefined when it can't be asked (no dbus-send, no session bus, no Secret Service, no answer in time).
 */
export async function secretItemState(
  attributes: Record<string, string>,
  options: SecretServiceOptions = {},
): Promise<'absent' | 'locked' | 'unlocked' | undefined> {
  const pairs = Object.entries(attributes).flat()
  // dbus-send's dict syntax has no escape for its separator.
  if (pairs.some((word) => word.includes(','))) return undefined
  const reply = await dbusSend(['/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.SearchItems', `dict:string:string:${pairs.join(',')}`], options)
  // Two arrays of object paths (signature aoao): the unlocked items, then the locked ones.
  const lists = reply && /^\s*array \[\s*((?:object path "[\w/]*"\s*)*)\]\s*array \[\s*((?:object path "[\w/]*"\s*)*)\]\s*$/.exec(reply)
  if (!lists) return undefined
  if (lists[2].trim()) return 'locked'
  return lists[1].trim() ? 'unlocked' : 'absent'
}

/** Whether the default collection (where new entries go) is locked; undefined when it can't be asked. */
export async function defaultCollectionLocked(options: SecretServiceOptions = {}): Promise<boolean | undefined> {
  const reply = await dbusSend(
    ['/org/freedesktop/secrets/aliases/default', 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked'],
    options,
  )
  const value = reply && /^\s*variant\s+boolean (true|false)\s*$/.exec(reply)?.[1]
  return value ? value === 'true' : undefined
}

/** One method call on org.freedesktop.secrets: the reply's body as dbus-send prints it, or undefined on any failure, by the deadline. */
function dbusSend(args: string[], options: SecretServiceOptions): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 2000
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      ['--session', '--print-reply', `--reply-timeout=${timeoutMs}`, '--dest=org.freedesktop.secrets', ...args],
      {encoding: 'utf8', env: options.env ?? process.env, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, timeout: timeoutMs},
      // The first line names the reply (`method return time=… sender=…`); the body follows.
      (error, stdout) => resolve(error || !stdout.startsWith('method return ') ? undefined : stdout.slice(stdout.indexOf('\n') + 1)),
    )
  })
}
