import {expect} from 'chai'

import {jsonText, visible, visibleLines} from '../../src/ui/terminal-text.js'

describe('terminal-text', () => {
  it('makes ESC, the other C0 controls, DEL and C1 controls visible as \\u escapes', () => {
    expect(visible('a\u001B]0;title\u0007b')).to.equal(String.raw`a\u001b]0;title\u0007b`)
    expect(visible('x\u001B[2Jy')).to.equal(String.raw`x\u001b[2Jy`)
    expect(visible('one\ntwo\r')).to.equal(String.raw`one\u000atwo\u000d`)
    expect(visible('\u0000\u007F\u0080\u009B\u009F')).to.equal(String.raw`\u0000\u007f\u0080\u009b\u009f`)
  })

  it('makes the bidi embeddings, overrides and isolates and the line and paragraph separators visible too', () => {
    for (const code of [0x20_2a, 0x20_2b, 0x20_2c, 0x20_2d, 0x20_2e, 0x20_66, 0x20_67, 0x20_68, 0x20_69, 0x20_28, 0x20_29]) {
      const c = String.fromCodePoint(code)
      expect(visible(`a${c}b`), code.toString(16)).to.equal(`a\\u${code.toString(16)}b`)
    }

    // "Trojan Source": an override that would make `p1` print reversed.
    expect(visible('\u202Ep1\u202C')).to.equal(String.raw`\u202ep1\u202c`)
  })

  it('keeps every printable character, ASCII or not', () => {
    const text = 'here: Zoë — 東京 ✓ \u00A0 ~ \uE000'
    expect(visible(text)).to.equal(text)
  })

  it('escapes what a profile name may not hold either: tab, bidi overrides, zero-width spaces, line separators', () => {
    expect(visible('a\tb\u202Ec\u200Bd\u2028e')).to.equal(String.raw`a\u0009b\u202ec\u200bd\u2028e`)
  })

  it('is idempotent: what it prints has nothing left to escape', () => {
    const once = visible('\u001B\n\u009B')
    expect(visible(once)).to.equal(once)
  })

  it('visibleLines keeps the line breaks between lines and escapes inside them', () => {
    expect(visibleLines('a\u001B\nb\r\nc')).to.equal(String.raw`a\u001b` + '\n' + String.raw`b\u000d` + '\nc')
  })

  it('jsonText writes DEL and C1 controls as \\u escapes: no raw byte a terminal would run, the same data when parsed', () => {
    const data = {id: 'req\u009B31m\u007F\u0085', ok: 'Zoë \u202E'}
    const text = jsonText(data)
    expect(text).to.not.match(/[\u007F-\u009F]/)
    expect(text).to.include(String.raw`req\u009b31m\u007f\u0085`)
    expect(JSON.parse(text)).to.deep.equal(data)
    expect(jsonText({a: [1, null]})).to.equal(JSON.stringify({a: [1, null]}, null, 2))
  })
})
