import {promises as fs} from 'node:fs'
import path from 'node:path'

import {CliError} from '../errors.js'
import {withFileLock} from './file-lock.js'
import {writeFileAtomic} from './json-file.js'

/** Variables to set (a value) or to remove (null), in the order new ones are appended. */
export type DotenvValues = ReadonlyArray<readonly [name: string, value: null | string]>

// The text is handled as latin1, one character per byte, so bytes that are not valid UTF-8 (or a
// BOM) survive unchanged; only the values written are encoded, as UTF-8.
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

/** An assignment line: indentation (after a BOM), `export `, the name, `=` with its spaces, the value and what follows it. */
const ASSIGNMENT = /^((?:\u00EF\u00BB\u00BF)?[\t ]*(?:export[\t ]+)?)([A-Za-z_][\w.-]*)([\t ]*=[\t ]*)(.*)$/

/**
 * A value as written: so that sh, bash and zsh sourcing the file (`set -a; . ./.env`) take it
 * literally, and python-dotenv, node's --env-file and the dotenv package read it back exactly.
 * Bare when it has no character special to any of them (`=` is, to zsh at the start, `~` to
 * shells); else single-quoted, literal to all, when it has no `'` and no `\` (python-dotenv
 * un-escapes `\\` and `\'` there); else double-quoted when it has none of `$`, `` ` ``, `"` and `\`
 * (shells expand those there, the readers don't). Null for what none of these write exactly:
 * control characters and line separators (a line break ends a value for some readers, not for
 * others), `${` (python-dotenv expands `${NAME}` in every value, quoted or not), and `'` mixed
 * with `$`, `` ` ``, `"` or `\`.
 */
export function dotenvValue(value: string): null | string {
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(value) || value.includes('${')) return null
  if (/^[\w./:@%+,-]*$/.test(value)) return value
  if (!/['\\]/.test(value)) return `'${value}'`
  if (!/[$`"\\]/.test(value)) return `"${value}"`
  return null
}

/** dotenvValue, or a one-line error naming the variable (never its value). */
function quote(name: string, value: string): string {
  const quoted = dotenvValue(value)
  if (quoted === null)
    throw new CliError(
      `The value of ${name} can't be written to a dotenv file so that shells take it literally and dotenv readers exactly: it holds a control character, \`\${\`, a backslash, or ' together with $, \` or "`,
      {code: 'env_value', suggestion: 'Check that value with `llamactl auth status`: no control plane issues such an id or key'},
    )
  return quoted
}

/** Where a quoted value closes on a line (the index of the closing quote), or -1. */
function closingQuote(text: string, quoteChar: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (quoteChar === '"' && text[i] === '\\') i++
    else if (text[i] === quoteChar) return i
  }

  return -1
}

/**
 * Sets and removes variables in the text of a dotenv file. Each assignment of a named variable
 * (`NAME=`, `export NAME=`, any occurrence) is replaced in place, keeping its indentation, its
 * `export`, the spacing around `=` and a comment after the value; a quoted value spanning
 * several lines is replaced whole. Variables not present are appended, with the file's line
 * ending (CRLF when it uses CRLF). Every other byte (comments, blank lines, other variables,
 * a missing final newline) stays as it was.
 */
export function setDotenvVariables(text: string, values: DotenvValues): string {
  const wanted = new Map(values)
  const seen = new Set<string>()
  const lines = text === '' ? [] : text.split(/(?<=\n)/)
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const eolLength = lines[i].endsWith('\r\n') ? 2 : lines[i].endsWith('\n') ? 1 : 0
    const body = lines[i].slice(0, lines[i].length - eolLength)
    const match = ASSIGNMENT.exec(body)
    if (!match || !wanted.has(match[2])) {
      out.push(lines[i])
      continue
    }

    const [, prefix, name, equals, rest] = match
    // Find the end of the old value: a closing quote (maybe lines later), else a ` #` comment, else the line end.
    let last = i
    let tail = ''
    if (/^["'`]/.test(rest)) {
      let close = closingQuote(rest, rest[0], 1)
      let after = rest
      let end = i
      while (close === -1 && end + 1 < lines.length) {
        end++
        after = lines[end].replace(/\r?\n$/, '')
        close = closingQuote(after, rest[0], 0)
      }

      // A quote that never closes is taken as part of this line only: nothing below is swallowed.
      if (close !== -1) {
        last = end
        tail = after.slice(close + 1)
      }
    } else {
      tail = /[\t ]+#.*$/.exec(rest)?.[0] ?? ''
    }

    const eol = lines[last].slice(lines[last].replace(/\r?\n$/, '').length)
    i = last
    seen.add(name)
    const value = wanted.get(name)
    if (value !== null && value !== undefined) out.push(`${prefix}${name}${equals}${bytes(quote(name, value))}${tail}${eol}`)
  }

  const appended = values.filter(([name, value]) => value !== null && !seen.has(name))
  if (appended.length > 0) {
    const newline = /\r\n/.test(text) ? '\r\n' : '\n'
    if (out.length > 0 && !out.at(-1)!.endsWith('\n')) out.push(newline)
    for (const [name, value] of appended) out.push(`${name}=${bytes(quote(name, value!))}${newline}`)
  }

  return out.join('')
}

/**
 * Refuses to follow a link in a sticky directory others can write to (/tmp) unless it is the
 * user's own or the directory owner's: the kernel's protected_symlinks rule, which doesn't hold
 * where that sysctl is off (some containers and distributions; macOS has no such rule), and which
 * `readlink` doesn't apply anyway. Another user's link there could point the key at any file of ours.
 */
async function checkLinkInStickyDir(link: string, file: string): Promise<void> {
  if (process.platform === 'win32') return
  const [linkStat, dirStat] = await Promise.all([fs.lstat(link), fs.stat(path.dirname(link))])
  const stickyShared = (dirStat.mode & 0o1000) !== 0 && (dirStat.mode & 0o002) !== 0
  if (!stickyShared || linkStat.uid === process.getuid?.() || linkStat.uid === dirStat.uid) return
  throw new CliError(
    `${link === path.resolve(file) ? file : `${link} (on the way to ${file})`} is a symbolic link of another user (uid ${linkStat.uid}) in ${path.dirname(link)}, a directory anyone can write to: llamactl won't follow it`,
    {code: 'env_file_shared', suggestion: 'Write the key to a file in a directory of your own'},
  )
}

/** The file a path names once symlinks are followed (a dangling link names the file it would create). */
async function followLinks(file: string): Promise<string> {
  let current = path.resolve(file)
  // The directories on the way too (/tmp/link/.env): each link among them is followed by the kernel.
  const parts = path.dirname(current).split(path.sep)
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(path.sep) || path.sep
    const stat = await fs.lstat(prefix).catch(() => undefined)
    if (stat?.isSymbolicLink()) await checkLinkInStickyDir(prefix, file)
  }

  for (let hops = 0; hops < 40; hops++) {
    let target: string
    try {
      target = await fs.readlink(current)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EINVAL' || code === 'ENOENT') return current
      throw error
    }

    await checkLinkInStickyDir(current, file)
    current = path.resolve(path.dirname(current), target)
  }

  throw new CliError(`${file} is a loop of symbolic links`, {code: 'env_file', suggestion: 'Point --env-file at a regular file'})
}

export interface DotenvWriteOptions {
  /** Write a secret even into a file another user owns or others can read (`--allow-shared-file`); `warn` then says so. */
  allowShared?: boolean
  /** Whether a value written is a secret (the API key): then the file must be the user's own and private. */
  secret?: boolean
  warn?: (message: string) => void
}

export interface DotenvWrite {
  /** Whether the file existed before. */
  created: boolean
  /** Its mode afterwards. */
  mode: number
}

/**
 * Why a file can't take a secret: it belongs to another user, or others can read it (a file
 * keeps its mode). Named by its real path, and by the link that leads there.
 */
function sharedFile(file: string, target: string, stat: {mode: number; uid: number}): string | undefined {
  if (process.platform === 'win32') return undefined
  const name = target === path.resolve(file) ? target : `${target} (where ${file} leads)`
  if (stat.uid !== process.getuid?.()) return `${name} belongs to another user (uid ${stat.uid})`
  const mode = stat.mode & 0o7777
  if ((mode & 0o044) !== 0) return `${name} can be read by other users (mode ${mode.toString(8).padStart(4, '0')})`
  return undefined
}

/**
 * Sets and removes variables in a dotenv file (see setDotenvVariables) atomically: a temp file
 * next to the real file (through symlinks: the link stays a link), flushed, then renamed over
 * it, under a lock next to it, which also removes the temp files of writers that died (they may
 * hold a key). A new file is created 0600; an existing one keeps its mode (and, written by root,
 * its owner). With `secret`, a file that another user owns or others can read is refused (one
 * line naming the real file) unless `allowShared`.
 */
export async function updateDotenvFile(file: string, values: DotenvValues, options: DotenvWriteOptions = {}): Promise<DotenvWrite> {
  const target = await followLinks(file)
  const dir = path.dirname(target)
  // The lock would otherwise fail on a missing directory with a less helpful line.
  await fs.stat(dir).catch((error) => {
    throw asCliError(error, file)
  })
  return withFileLock(
    dir,
    target,
    async () => {
      let text = ''
      let mode: number | undefined
      let owner: {gid: number; uid: number} | undefined
      try {
        const stat = await fs.stat(target)
        if (!stat.isFile()) throw new CliError(`${file} is not a regular file`, {code: 'env_file', suggestion: 'Point --env-file at a dotenv file'})
        const shared = options.secret ? sharedFile(file, target, stat) : undefined
        if (shared && !options.allowShared)
          throw new CliError(`${shared}, so llamactl won't write the API key into it`, {
            code: 'env_file_shared',
            suggestion: 'Write to a file of your own that only you can read (chmod 600), or pass --allow-shared-file to write it there anyway',
          })
        if (shared) options.warn?.(`${shared} and now holds an API key (--allow-shared-file)`)
        mode = stat.mode & 0o7777
        owner = {gid: stat.gid, uid: stat.uid}
        text = (await fs.readFile(target)).toString('latin1')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asCliError(error, file)
      }

      await writeFileAtomic(target, Buffer.from(setDotenvVariables(text, values), 'latin1'), {
        error: (error) => asCliError(error, file),
        mode,
        owner,
        secret: options.secret,
      })
      return {created: mode === undefined, mode: mode ?? 0o600}
    },
    {configDir: false},
  )
}

function asCliError(error: unknown, file: string): CliError {
  if (error instanceof CliError) return error
  const {code, message} = error as NodeJS.ErrnoException
  return new CliError(`Could not write ${file} (${code ?? message})`, {
    code: 'env_file',
    suggestion: code === 'ENOENT' ? 'Its directory does not exist' : 'Check the path and its permissions',
  })
}
