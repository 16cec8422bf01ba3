import {spawn} from 'node:child_process'
import {createRequire} from 'node:module'

/** The keytar calls llamactl makes. */
export interface Keytar {
  /** Ends what is in flight, for good: a call stuck in a hung keychain must not hold the process. */
  abandon?(): void
  deletePassword(service: string, account: string): Promise<boolean>
  getPassword(service: string, account: string): Promise<null | string>
  setPassword(service: string, account: string, password: string): Promise<void>
}

/*
 * keytar runs in a child process, not in ours. Its calls block a thread of libuv's pool in the
 * Secret Service's D-Bus call (GDBus waits 25 s, an unlock prompt for ever), and Node's exit
 * joins those threads: with the keychain stopped, `process.exit` itself waited. A worker_thread
 * does not help (its calls use the same pool, and terminating it aborts the process when the
 * call returns); a child can be killed. It costs one Node start per command that touches the
 * keychain (bench/README.md), and nothing to one that doesn't: this module loads on first use.
 *
 * The child loads keytar, says `{"ready":true}` (or why it could not), then answers one JSON line
 * per request, until its stdin ends. Secrets travel through the pipes only, never argv or the
 * environment.
 */
const CHILD = `
// A terminal's Ctrl-C, Ctrl-\\ and hang-up reach the whole process group: llamactl decides (an
// import finishes its step and removes what it wrote); this child ends when its stdin does.
for (const signal of ['SIGHUP', 'SIGINT', 'SIGQUIT']) process.on(signal, () => {})
const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n')
const OPS = new Set(['deletePassword', 'getPassword', 'setPassword'])
let keytar
try {
  keytar = require(process.argv[1])
} catch (error) {
  out({loadError: String((error && error.message) || error).split('\\n')[0]})
}
if (keytar) {
  out({ready: true})
  let buffer = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk) => {
    buffer += chunk
    for (let end; (end = buffer.indexOf('\\n')) >= 0; ) {
      const {args, id, op} = JSON.parse(buffer.slice(0, end))
      buffer = buffer.slice(end + 1)
      if (!OPS.has(op)) out({error: 'unknown call', id})
      else keytar[op](...args).then((value) => out({id, value}), (error) => out({error: String((error && error.message) || error), id}))
    }
  })
}
`

/** How long an idle child stays for the next call (a long-lived host; a CLI exits before); a call after that starts another. */
const IDLE_MS = 2000

type Pending = {reject: (error: Error) => void; resolve: (value: unknown) => void}

interface Child {
  /** Set once the child takes no more calls (it ended, failed, idled out or was stopped). */
  ended?: Error
  kill(): void
  request<T>(op: string, args: string[]): Promise<T>
}

/**
 * keytar in a child process (see above). Resolves once keytar has loaded there; rejects with
 * keytar's load error, or when the child does not say within `timeoutMs`. `abandon` stops it
 * for good; a child that went away idle is started again by the next call.
 */
export async function startKeytarProcess(options: {timeoutMs: number}): Promise<Keytar> {
  const keytarPath = createRequire(import.meta.url).resolve('keytar')
  let child = await startChild(keytarPath, options.timeoutMs)
  let abandoned: Error | undefined
  const request = async <T>(op: string, args: string[]): Promise<T> => {
    if (abandoned) throw abandoned
    if (child.ended) child = await startChild(keytarPath, options.timeoutMs)
    return child.request<T>(op, args)
  }

  return {
    abandon() {
      abandoned = new Error('the keychain helper process was stopped')
      child.kill()
    },
    deletePassword: (service, account) => request<boolean>('deletePassword', [service, account]),
    getPassword: (service, account) => request<null | string>('getPassword', [service, account]),
    setPassword: (service, account, password) => request<void>('setPassword', [service, account, password]),
  }
}

async function startChild(keytarPath: string, timeoutMs: number): Promise<Child> {
  const proc = spawn(process.execPath, ['-e', CHILD, keytarPath], {stdio: ['pipe', 'pipe', 'ignore']})
  const pending = new Map<number, Pending>()
  let nextId = 1
  let idle: NodeJS.Timeout | undefined
  let ready: ((error?: Error) => void) | undefined

  // A call still in flight when the process exits (a TAB's bound, an error): the child goes too.
  const killOnExit = () => proc.kill('SIGKILL')
  /** While a call is in flight, the child keeps the process alive and dies with it; idle, neither. */
  const hold = (on: boolean) => {
    for (const handle of [proc, proc.stdin, proc.stdout] as Array<{ref(): void; unref(): void} | null>) {
      if (on) handle?.ref()
      else handle?.unref()
    }

    process.removeListener('exit', killOnExit)
    if (on) process.once('exit', killOnExit)
  }

  const child: Child = {
    kill() {
      proc.kill('SIGKILL')
      end(new Error('the keychain helper process was stopped'))
    },
    request: <T>(op: string, args: string[]) =>
      new Promise<T>((resolve, reject) => {
        if (child.ended) return reject(child.ended)
        clearTimeout(idle)
        const id = nextId++
        pending.set(id, {reject, resolve: resolve as (value: unknown) => void})
        hold(true)
        proc.stdin!.write(`${JSON.stringify({args, id, op})}\n`)
      }),
  }

  function end(error: Error): void {
    if (child.ended) return
    child.ended = error
    clearTimeout(idle)
    ready?.(error)
    for (const call of pending.values()) call.reject(error)
    pending.clear()
    hold(false)
  }

  proc.on('error', (error) => end(error))
  proc.on('close', () => end(new Error('the keychain helper process ended')))
  proc.stdin!.on('error', () => {})
  let buffer = ''
  proc.stdout!.setEncoding('utf8')
  proc.stdout!.on('data', (chunk: string) => {
    buffer += chunk
    for (let newline; (newline = buffer.indexOf('\n')) >= 0;) {
      let message: {error?: string; id?: number; loadError?: string; ready?: boolean; value?: unknown}
      try {
        message = JSON.parse(buffer.slice(0, newline))
      } catch {
        return child.kill()
      }

      buffer = buffer.slice(newline + 1)
      if (message.ready || message.loadError !== undefined) ready?.(message.loadError === undefined ? undefined : new Error(message.loadError))
      const call = message.id === undefined ? undefined : pending.get(message.id)
      if (!call) continue
      pending.delete(message.id!)
      if (message.error === undefined) call.resolve(message.value)
      else call.reject(new Error(message.error))
      if (pending.size === 0) {
        hold(false)
        idle = setTimeout(() => {
          // Taken out of service first: a call from now on starts another child.
          end(new Error('the keychain helper process went idle'))
          proc.stdin!.end()
        }, IDLE_MS)
        idle.unref()
      }
    }
  })

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => ready?.(new Error(`keytar did not load within ${timeoutMs / 1000}s`)), timeoutMs)
    ready = (error) => {
      ready = undefined
      clearTimeout(timer)
      if (error) {
        proc.kill('SIGKILL')
        reject(error)
      } else {
        hold(false)
        resolve()
      }
    }
  })
  return child
}
