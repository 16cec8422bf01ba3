import {expect} from 'chai'

import {escapeUnprintable, firstUnprintable, isPrintable} from '../src/model.js'

describe('model: the one printable rule', () => {
  it('counts letters of any script, symbols, no-break space and private-use characters as printable', () => {
    for (const text of ['work', 'Zoë — 東京 ✓', 'a\u00A0b', '\uE000 nerd-font glyph', 'alice@example.com']) expect(isPrintable(text), text).to.equal(true)
  })

  it('refuses control characters (tab and line breaks too), format characters, lone surrogates and line separators', () => {
    const cases: Array<[string, string]> = [
      ['a\tb', '\t'],
      ['a\nb', '\n'],
      ['x\u001B[31m', '\u001B'],
      ['del\u007F', '\u007F'],
      ['csi\u009B', '\u009B'],
      ['rtl\u202Eexe.txt', '\u202E'],
      ['zero\u200Bwidth', '\u200B'],
      ['line\u2028sep', '\u2028'],
      ['half\uD800', '\uD800'],
      ['tag\u{E0001}', '\u{E0001}'],
    ]
    for (const [text, bad] of cases) {
      expect(isPrintable(text), JSON.stringify(text)).to.equal(false)
      expect(firstUnprintable(text), JSON.stringify(text)).to.equal(bad)
    }

    expect(firstUnprintable('fine')).to.equal(undefined)
  })

  it('escapes each unprintable UTF-16 unit as JSON spells it, and escaping twice changes nothing more', () => {
    expect(escapeUnprintable('a\u001Bb\tc\u{E0001}d\uD800')).to.equal(String.raw`a\u001bb\u0009c\udb40\udc01d\ud800`)
    const once = escapeUnprintable('\u202E\n\u009B')
    expect(isPrintable(once)).to.equal(true)
    expect(escapeUnprintable(once)).to.equal(once)
  })
})
