import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

export interface OpenResult {
  /** Why the browser could not be started; absent on success. */
  error?: string
  ok: boolean
}

export interface BrowserOptions {
  /** The environment `$BROWSER` is read from and the browser runs in. */
  env: NodeJS.ProcessEnv
  /** Told later when the browser program exits with a failure after starting. */
  onLateFailure?: (message: string) => void
  platform?: NodeJS.Platform
}

export interface BrowserCommand {
  args: string[]
  program: string
}

/**
 * Splits `$BROWSER` into commands and their words, the way xdg-open and Python's webbrowser
 * read it: commands separated by the path delimiter (`:`, `;` on Windows), words by white
 * space, with '…' and "…" quoting and (except on Windows, where it separates directories)
 * backslash escapes as in a POSIX shell; a quoted delimiter stays in its word. Nothing is
 * expanded: no variables, no globs, no shell.
 */
export function splitBrowserSetting(value: string, platform: NodeJS.Platform = process.platform): string[][] {
  const windows = platform === 'win32'
  const delimiter = windows ? ';' : ':'
  const commands: string[][] = []
  let words: string[] = []
  let word: string | undefined
  let quote: '"' | "'" | undefined
  const endWord = () => {
    if (word !== undefined) words.push(word)
    word = undefined
  }

  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else if (c === '\\' && (value[i + 1] === '"' || value[i + 1] === '\\')) word += value[++i]
      else word += c
    } else if (c === "'" || c === '"') {
      quote = c
      word ??= ''
    } else if (c === '\\' && !windows && i + 1 < value.length) {
      word = (word ?? '') + value[++i]
    } else if (c === delimiter) {
      endWord()
      if (words.length > 0) commands.push(words)
      words = []
    } else if (/\s/.test(c)) {
      endWord()
    } else {
      word = (word ?? '') + c
    }
  }

  endWord()
  if (words.length > 0) commands.push(words)
  return commands
}

/** One `$BROWSER` command for a URL: `%s` in a word is replaced by the URL (`%%` is `%`); otherwise the URL is appended. */
function withUrl(words: string[], url: string): BrowserCommand {
  const placeholder = words.some((w) => w.includes('%s'))
  const args = words.slice(1).map((w) => (placeholder ? w.replaceAll(/%[s%]/g, (m) => (m === '%s' ? url : '%')) : w))
  const program = placeholder ? words[0].replaceAll(/%[s%]/g, (m) => (m === '%s' ? url : '%')) : words[0]
  return {args: placeholder ? args : [...args, url], program}
}

/**
 * The commands that may open a URL, to be tried in order: each command of `$BROWSER` (see
 * splitBrowserSetting; a value that is the path of an existing file is that program, spaces
 * and all), else the platform's opener. The URL is always one argument of its own, never
 * given to a shell.
 */
export function browserCommands(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): BrowserCommand[] {
  const setting = env.BROWSER?.trim()
  if (setting) {
    if (existsSync(setting)) return [{args: [url], program: setting}]
    const commands = splitBrowserSetting(setting, platform).map((words) => withUrl(words, url))
    if (commands.length > 0) return commands
  }

  if (platform === 'darwin') return [{args: [url], program: 'open'}]
  // Not `cmd /c start`: cmd would read & | ^ % in the URL as its own syntax.
  if (platform === 'win32') return [{args: ['url.dll,FileProtocolHandler', url], program: 'rundll32'}]
  return [{args: [url], program: 'xdg-open'}]
}

/** Starts one command; resolves once it has started (or failed to). */
function start(command: BrowserCommand, env: NodeJS.ProcessEnv, onLateFailure?: (message: string) => void): Promise<OpenResult> {
  const {args, program} = command
  return new Promise((resolve) => {
    let child
    try {
      child = spawn(program, args, {detached: true, env, stdio: 'ignore'})
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
      if (code) onLateFailure?.(`${program} exited with code ${code}`)
    })
  })
}

/**
 * Opens an http(s) URL in the user's browser without waiting for it: the first command of
 * browserCommands that starts wins. Resolves once one has started (or all failed to); never
 * rejects, since a browser that won't open is only a warning. Anything but an absolute
 * http(s) URL is refused here too, whatever the caller checked.
 */
export async function openBrowser(url: string, options: BrowserOptions): Promise<OpenResult> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {error: 'refusing to open something that is not a URL', ok: false}
  }

  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return {error: 'refusing to open a URL that is not http(s)', ok: false}
  const errors: string[] = []
  for (const command of browserCommands(parsed.href, options.env, options.platform)) {
    const result = await start(command, options.env, options.onLateFailure)
    if (result.ok) return result
    errors.push(result.error!)
  }

  return {error: errors.join('; '), ok: false}
}
