import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'

import {ROOT} from './cli.js'

const require = createRequire(import.meta.url)

export interface KeytarModule {
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{account: string; password: string}>>
  getPassword(service: string, account: string): Promise<null | string>
  setPassword(service: string, account: string, password: string): Promise<void>
}

/** keytar itself, to look into the real keychain from tests. */
export const keytar = (): KeytarModule => require('keytar') as KeytarModule

/**
 * Whether the real keychain is usable in this test process. Under `npm test` (which starts a
 * private D-Bus session with gnome-keyring) it must be: a missing one there is a failure, not a skip.
 */
export async function keychainAvailable(): Promise<boolean> {
  try {
    await keytar().getPassword('llamactl', '__test_probe__')
    return true
  } catch (error) {
    if (process.env.LLAMACTL_TEST_IN_DBUS) throw new Error(`npm test started a keyring, but keytar can't use it: ${(error as Error).message}`)
    return false
  }
}

/** Environment overrides for a child process with no D-Bus session, hence no keychain (runCli drops undefined keys). */
export function withoutDbus(): NodeJS.ProcessEnv {
  return {DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined}
}

/** A gnome-keyring of its own, in a D-Bus session of its own, that a test may lock. */
export interface PrivateKeyring {
  /** Environment overrides for a child that should use this keyring (runCli drops undefined keys). */
  env: NodeJS.ProcessEnv
  /** The accounts of every entry of service llamactl (keytar's findCredentials, in a child on this keyring's bus). */
  accounts(): Promise<string[]>
  /** How many entries service llamactl has (dbus-send SearchItems): cheap enough to poll. */
  count(): Promise<number>
  /** Where the entry of `account` (service llamactl) is, as the Secret Service reports it (dbus-send SearchItems). */
  entry(account: string): Promise<'absent' | 'locked' | 'unlocked'>
  /** Locks the login collection for real (Secret Service `Lock`), and checks that it is. */
  lock(): Promise<void>
  /** Stops the keyring daemon (SIGSTOP): the bus is there, the Secret Service never answers. */
  pause(): Promise<void>
  /** Lets a paused daemon run again (SIGCONT); stop() does it too. */
  resume(): void
  /** Ends the session: the bus, and with it the keyring daemon. */
  stop(): Promise<void>
  /** Unlocks it as a user over SSH would: `gnome-keyring-daemon --replace --unlock`, the password on stdin. */
  unlock(): Promise<void>
}

const KEYRING_PASSWORD = 'test-keyring-password'

/** Runs a program to completion; rejects on a non-zero exit, with its stderr. */
function exec(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${stderr}`))
    })
    // dbus-send exits without reading stdin: that must not become an EPIPE error here.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

/**
 * Starts dbus-run-session with an unlocked gnome-keyring in a temp HOME. Its own session, not
 * the one `npm test` runs in: a test that locks it can't leave the other tests a locked keyring,
 * and unlocking (which replaces the daemon: gnome-keyring has no other headless unlock) can't
 * pull the keyring from under this process's own keytar connection.
 */
export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-keyring-'))
  const runtime = path.join(home, 'run')
  mkdirSync(runtime, {mode: 0o700})
  const sessionEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: undefined,
    DISPLAY: undefined,
    GNOME_KEYRING_CONTROL: undefined,
    HOME: home,
    KEYRING_PASSWORD,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_RUNTIME_DIR: runtime,
  }
  for (const [name, value] of Object.entries(sessionEnv)) if (value === undefined) delete sessionEnv[name]
  mkdirSync(path.join(home, '.local/share/keyrings'), {recursive: true})
  // The session lasts until this process closes the script's stdin (or dies, which closes it too).
  const script = [
    'set -e',
    'eval "$(printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"',
    'printf "%s\\n" "$DBUS_SESSION_BUS_ADDRESS"',
    'read -r _ || true',
  ].join('\n')
  const session = spawn('dbus-run-session', ['--', 'bash', '-c', script], {env: sessionEnv, stdio: ['pipe', 'pipe', 'pipe']})
  let stderr = ''
  session.stderr.on('data', (d) => (stderr += d))
  session.stdin.on('error', () => {})
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()))
  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the private keyring did not start within 15 s: ${stderr}`)), 15_000)
    session.stdout.on('data', (d) => {
      out += d
      if (!out.includes('\n')) return
      clearTimeout(timer)
      resolve(out.split('\n')[0])
    })
    session.once('error', reject)
    session.once('close', (code) => reject(new Error(`the private keyring session ended (${code}): ${stderr}`)))
  })
  const busEnv = {...sessionEnv, DBUS_SESSION_BUS_ADDRESS: address}
  const dbusSend = (...args: string[]) => exec('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', ...args], busEnv)
  const locked = async () =>
    (
      await dbusSend(
        '/org/freedesktop/secrets/collection/login',
        'org.freedesktop.DBus.Properties.Get',
        'string:org.freedesktop.Secret.Collection',
        'string:Locked',
      )
    ).includes('boolean true')

  let paused: number | undefined
  const resume = () => {
    if (paused !== undefined) process.kill(paused, 'SIGCONT')
    paused = undefined
  }

  return {
    async accounts() {
      const script = `require('keytar').findCredentials('llamactl').then((all) => process.stdout.write(JSON.stringify(all.map((c) => c.account))))`
      return JSON.parse(await exec(process.execPath, ['-e', script], {...busEnv, NODE_PATH: path.join(ROOT, 'node_modules')})) as string[]
    },
    async count() {
      const reply = await dbusSend('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.SearchItems', 'dict:string:string:service,llamactl')
      return reply.split('object path').length - 1
    },
    env: {DBUS_SESSION_BUS_ADDRESS: address, DISPLAY: undefined},
    async entry(account) {
      const reply = await dbusSend(
        '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.SearchItems',
        `dict:string:string:service,llamactl,account,${account}`,
      )
      // The reply is two arrays of object paths: unlocked items, then locked ones.
      const [, unlocked, lockedItems] = reply.split('array [')
      if (lockedItems.includes('object path')) return 'locked'
      return unlocked.includes('object path') ? 'unlocked' : 'absent'
    },
    async lock() {
      await dbusSend('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login')
      if (!(await locked())) throw new Error('the login collection did not lock')
    },
    async pause() {
      // The daemon's pid, from the bus that knows who owns the Secret Service's name.
      const reply = await exec(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.GetConnectionUnixProcessID',
          'string:org.freedesktop.secrets',
        ],
        busEnv,
      )
      const pid = Number(/uint32 (\d+)/.exec(reply)?.[1])
      if (!pid) throw new Error(`no pid for the Secret Service: ${reply}`)
      process.kill(pid, 'SIGSTOP')
      paused = pid
    },
    resume,
    async stop() {
      resume()
      session.stdin.end()
      const timer = setTimeout(() => session.kill('SIGTERM'), 5000)
      await closed
      clearTimeout(timer)
      rmSync(home, {force: true, recursive: true})
    },
    async unlock() {
      await exec('gnome-keyring-daemon', ['--replace', '--unlock', '--components=secrets'], busEnv, KEYRING_PASSWORD)
      // The replacing daemon takes the bus name over asynchronously: wait (bounded) until it answers unlocked.
      for (let i = 0; i < 50 && (await locked().catch(() => true)); i++) await new Promise((resolve) => setTimeout(resolve, 100))
      if (await locked()) throw new Error('the login collection did not unlock')
    },
  }
}
