import {promises as fs} from 'node:fs'
import path from 'node:path'

import {CliError} from '../errors.js'

/** Variables to set (a value) or to remove (null), in the order new ones are appended. */
export type DotenvValues = ReadonlyArray<readonly [name: string, value: null | string]>

// The text is handled as latin1, one character per byte, so bytes that are not valid UTF-8 (or a
// BOM) survive unchanged; only the values written are encoded, as UTF-8.
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

/** An assignment line: indentation (after a BOM), `export `, the name, `=` with its spaces, the value and what follows it. */
const ASSIGNMENT = /^((?:\u00EF\u00BB\u00BF)?[\t ]*(?:export[\t ]+)?)([A-Za-z_][\w.-]*)([\t ]*=[\t ]*)(.*)$/

/** A value written the way dotenv readers agree on: bare when safe, else single-quoted, else double-quoted with escapes. */
function quote(value: string): string {
  if (/^[\w./:@%+,=~-]*$/.test(value)) return value
  if (!/['\n\r]/.test(value)) return `'${value}'`
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '\\$').replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`
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
    if (value !== null && value !== undefined) out.push(`${prefix}${name}${equals}${bytes(quote(value))}${tail}${eol}`)
  }

  const appended = values.filter(([name, value]) => value !== null && !seen.has(name))
  if (appended.length > 0) {
    const newline = /\r\n/.test(text) ? '\r\n' : '\n'
    if (out.length > 0 && !out.at(-1)!.endsWith('\n')) out.push(newline)
    for (const [name, value] of appended) out.push(`${name}=${bytes(quote(value!))}${newline}`)
  }

  return out.join('')
}

/** The file a path names once symlinks are followed (a dangling link names the file it would create). */
async function followLinks(file: string): Promise<string> {
  let current = path.resolve(file)
  for (let hops = 0; hops < 40; hops++) {
    let target: string
    try {
      target = await fs.readlink(current)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EINVAL' || code === 'ENOENT') return current
      throw error
    }

    current = path.resolve(path.dirname(current), target)
  }

  throw new CliError(`${file} is a loop of symbolic links`, {code: 'env_file', suggestion: 'Point --env-file at a regular file'})
}

export interface DotenvWrite {
  /** Whether the file existed before. */
  created: boolean
  /** Its mode afterwards. */
  mode: number
}

/**
 * Sets and removes variables in a dotenv file (see setDotenvVariables) atomically: a temp file
 * next to the real file (through symlinks: the link stays a link), flushed, then renamed over
 * it. A new file is created 0600; an existing one keeps its mode.
 */
export async function updateDotenvFile(file: string, values: DotenvValues): Promise<DotenvWrite> {
  const target = await followLinks(file)
  let text = ''
  let mode: number | undefined
  try {
    const stat = await fs.stat(target)
    if (!stat.isFile()) throw new CliError(`${file} is not a regular file`, {code: 'env_file', suggestion: 'Point --env-file at a dotenv file'})
    mode = stat.mode & 0o7777
    text = (await fs.readFile(target)).toString('latin1')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asCliError(error, file)
  }

  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
  try {
    const handle = await fs.open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(Buffer.from(setDotenvVariables(text, values), 'latin1'))
      if (mode !== undefined) await handle.chmod(mode)
      await handle.sync()
    } finally {
      await handle.close()
    }

    await fs.rename(temp, target)
  } catch (error) {
    await fs.rm(temp, {force: true})
    throw asCliError(error, file)
  }

  return {created: mode === undefined, mode: mode ?? 0o600}
}

function asCliError(error: unknown, file: string): CliError {
  if (error instanceof CliError) return error
  const {code, message} = error as NodeJS.ErrnoException
  return new CliError(`Could not write ${file} (${code ?? message})`, {
    code: 'env_file',
    suggestion: code === 'ENOENT' ? 'Its directory does not exist' : 'Check the path and its permissions',
  })
}
