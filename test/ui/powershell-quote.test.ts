import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {answerLines} from '../../src/completion/complete.js'
import {completionScript, installCompletion} from '../../src/services/completion-service.js'
import {powershellArgument, powershellQuote} from '../../src/ui/powershell-quote.js'

// PowerShell's language specification, §2.3.5.2: the quote classes.
const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B'])
const DOUBLE_QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E'])
// What ends or changes a plain word in argument mode: whitespace, the quote classes, `` ` `` (escape),
// `$` (variables), `;|&(){},<>` (statements, pipes, groups, arrays, redirections), `@` and `#`
// (splatting, comments), `%` (of `--%`, stop-parsing), and the dashes PowerShell reads as `-`.
const NOT_PLAIN = /[\s\p{Z}`$;|&(){},<>@#%\u2013-\u2015]/u

/**
 * Reads the first argument of `text` as PowerShell's parser does in argument mode: a verbatim
 * string (any single-quote-class character opens and closes it; two of them stand for one), or
 * a plain word. Undefined for anything else (an expandable string, code, a word with specials).
 */
function readArgument(text: string): undefined | {length: number; value: string} {
  if (SINGLE_QUOTES.has(text[0])) {
    let value = ''
    for (let i = 1; i < text.length; i++) {
      if (!SINGLE_QUOTES.has(text[i])) value += text[i]
      else if (SINGLE_QUOTES.has(text[i + 1])) value += text[++i]
      else return {length: i + 1, value}
    }

    return undefined // never closed
  }

  let length = 0
  while (length < text.length && !/\s/.test(text[length])) length++
  const word = text.slice(0, length)
  if (word === '' || DOUBLE_QUOTES.has(word[0]) || [...word].some((c) => SINGLE_QUOTES.has(c) || DOUBLE_QUOTES.has(c)) || NOT_PLAIN.test(word)) return undefined
  return {length, value: word}
}

const HOSTILE = [
  'a’;Start-Process calc;’',
  "a';Start-Process calc;'",
  'a‘;calc;‘',
  'a‚;calc;‚',
  'a‛;calc;‛',
  '’',
  "''",
  '“$(calc)”',
  '"$(calc)"',
  '„$env:PATH“',
  '`$x',
  'a b',
  '--%',
  '@args',
  '#comment',
  '–dash',
  'x;y',
  'a,b',
  '${x}',
  '(calc)',
  'a\u00A0b',
  'a\u3000b',
]
const PLAIN = ['alice', 'Zoë', 'http://localhost:8080', '--json', 'proj_1.2-x', 'a=b']

describe('PowerShell quoting by its grammar (single-quote class U+0027, U+2018–U+201B; double-quote class U+0022, U+201C–U+201E; no pwsh here)', () => {
  it('a hostile value quoted reads back as one verbatim string holding exactly the value, and nothing after it', () => {
    for (const value of HOSTILE) {
      const quoted = powershellQuote(value)
      expect(readArgument(quoted), JSON.stringify(value)).to.deep.equal({length: quoted.length, value})
    }
  })

  it('a completion candidate is inserted as itself: plain words bare, anything else quoted', () => {
    for (const value of PLAIN) expect(powershellArgument(value)).to.equal(value)
    for (const value of [...HOSTILE, ...PLAIN]) {
      const text = powershellArgument(value)
      expect(readArgument(text), JSON.stringify(value)).to.deep.equal({length: text.length, value})
    }
  })

  it("the completer's PowerShell answers carry that text to insert, the value to list and the description", () => {
    const lines = answerLines('powershell', [{description: 'P', value: 'a’;Start-Process calc;’'}, {value: 'alice'}])
    expect(lines).to.deep.equal(["'a’’;Start-Process calc;’’'\ta’;Start-Process calc;’\tP", 'alice\talice\t'])
    for (const line of lines) {
      const [text, value] = line.split('\t')
      expect(readArgument(text)).to.deep.equal({length: text.length, value})
    }
  })

  it('the paths written into the script and the profile are quoted by the same rule', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'llamactl-ps’;calc;’-'))
    try {
      const target = {bin: 'llamactl', completer: '/opt/x’;calc;’/complete.js', node: '/usr/bin/node', root: "/opt/it's‘"}
      const script = completionScript('powershell', target)
      for (const part of [target.node, target.completer, target.root]) expect(script).to.include(` ${powershellQuote(part)}`)
      await installCompletion('powershell', script, {dryRun: false, env: {}, home, platform: 'linux'})
      const dir = path.join(home, '.config', 'powershell')
      const line = readFileSync(path.join(dir, 'Microsoft.PowerShell_profile.ps1'), 'utf8')
        .split('\n')
        .find((l) => l.startsWith('. '))!
      const file = path.join(dir, 'llamactl-completion.ps1')
      expect(readArgument(line.slice(2))).to.deep.equal({length: powershellQuote(file).length, value: file})
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })
})
