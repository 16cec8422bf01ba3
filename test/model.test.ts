import {expect} from 'chai'

import {compareNames, escapeUnprintable, firstUnprintable, isPrintable} from '../src/model.js'

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

describe('model: the printable rule, printable ASCII answered without the Unicode tables', () => {
  it('gives every ASCII character the answer the Unicode rule gives: 0x20 to 0x7e as they are, the rest escaped', () => {
    const unicodeRule = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u
    for (let code = 0; code < 0x80; code++) {
      const c = String.fromCharCode(code)
      expect(isPrintable(`ab${c}`), `U+${code.toString(16)}`).to.equal(!unicodeRule.test(c))
      expect(escapeUnprintable(`ab${c}`), `U+${code.toString(16)}`).to.equal(unicodeRule.test(c) ? `ab\\u${code.toString(16).padStart(4, '0')}` : `ab${c}`)
    }
  })
})

describe('model: names in the order people read them, without ICU for plain names', () => {
  /** A deterministic pseudo-random source (a test that fails must fail again). */
  const random = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }

  it('agrees with localeCompare on 100,000 random pairs of names of letters of both cases, digits, space, _, - and .', () => {
    const next = random(42)
    const alphabet = 'aAbBmMyYzZ0189 _-.'
    const name = () => Array.from({length: Math.floor(next() * 8)}, () => alphabet[Math.floor(next() * alphabet.length)]).join('')
    const disagree: string[] = []
    for (let i = 0; i < 100_000 && disagree.length < 5; i++) {
      const [a, b] = [name(), name()]
      if (Math.sign(compareNames(a, b)) !== Math.sign(a.localeCompare(b))) disagree.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`)
    }

    expect(disagree).to.deep.equal([])
  })

  it('sorts a, b, C and keeps lowercase first among names equal but for case; other names go to localeCompare', () => {
    const plain = ['b', 'C', 'a', 'B', 'ci-2', 'ci_2', 'ci 2', 'ci.2', 'ci10']
    expect([...plain].sort(compareNames)).to.deep.equal(['a', 'b', 'B', 'C', 'ci 2', 'ci_2', 'ci-2', 'ci.2', 'ci10'])
    expect([...plain].sort(compareNames)).to.deep.equal([...plain].sort((a, b) => a.localeCompare(b)))
    // Outside the plain alphabet: the real collator, accents and all.
    expect(['Zoë', 'Zoe', 'zoé', 'Żaneta', 'zz'].sort(compareNames)).to.deep.equal(['Zoe', 'zoé', 'Zoë', 'Żaneta', 'zz'].sort((a, b) => a.localeCompare(b)))
  })
})
