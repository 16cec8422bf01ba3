import {spawn} from 'node:child_process'

export interface OpenResult {
  /** Why the browser could not be started; absent on success. */
  error?: string
  ok: boolean
}

export interface BrowserOptions {
  env: NodeJS.ProcessEnv
  /** Told later when the browser program exits with a failure after starting. */
  onLateFailure?: (message: string) => void
  platform?: NodeJS.Platform
}

/** The program and arguments that open a URL: `$BROWSER <url>`, else the platform's opener. */
export function browserCommand(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): {args: string[]; program: string} {
  const browser = env.BROWSER?.trim()
  if (browser) return {args: [url], program: browser}
  if (platform === 'darwin') return {args: [url], program: 'open'}
  // `start` is a cmd built-in; its first quoted argument is a window title.
  if (platform === 'win32') return {args: ['/d', '/s', '/c', 'start', '""', url.replaceAll('&', '^&')], program: 'cmd'}
  return {args: [url], program: 'xdg-open'}
}

/**
 * Opens a URL in the user's browser without waiting for it. Resolves once the program has
 * started (or failed to); never rejects, since a browser that won't open is only a warning.
 */
export function openBrowser(url: string, options: BrowserOptions): Promise<OpenResult> {
  const {args, program} = browserCommand(url, options.env, options.platform)
  return new Promise((resolve) => {
    let child
    try {
      child = spawn(program, args, {detached: true, stdio: 'ignore', windowsVerbatimArguments: program === 'cmd'})
    } catch (error) {
      resolve({error: `${program}: ${(error as Error).message}`, ok: false})
      return
    }

    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve({error: error.code === 'ENOENT' ? `${program} was not found` : `${program}: ${error.message}`, ok: false})
    })
    child.once('spawn', () => {
      child.unref()
      resolve({ok: true})
    })
    child.once('exit', (code) => {
      if (code) options.onLateFailure?.(`${program} exited with code ${code}`)
    })
  })
}
