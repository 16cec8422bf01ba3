import {expect} from 'chai'

import {isPrintable} from '../../src/model.js'
import {jsonText} from '../../src/ui/terminal-text.js'

/** The characters the printable rule refuses in a project id that JSON.stringify leaves raw. */
const RAW_IN_STRINGIFY = ['\u202E', '\u2028', '\u2029', '\u200B', '\u200F', '\u2066', '\uFEFF', '\u00AD', '\u007F', '\u009B', '\u{E0041}']

describe('--json output applies the one printable rule: bidi, zero-width and line separators are escapes', () => {
  it('U+202E, U+2028 and every other unprintable character that JSON.stringify leaves raw comes out as a \\u escape', () => {
    const data = {name: `a${RAW_IN_STRINGIFY.join('b')}z`, list: RAW_IN_STRINGIFY, [`key\u202Ex`]: 1}
    const text = jsonText(data)
    for (const c of RAW_IN_STRINGIFY) expect(text, `U+${c.codePointAt(0)!.toString(16)}`).not.to.include(c)
    expect(text)
      .to.include(String.raw`\u202e`)
      .and.include(String.raw`\u2028`)
      .and.include(String.raw`\udb40\udc41`)
    for (const line of text.split('\n')) expect(isPrintable(line), line).to.equal(true)
  })

  it('is the same value when parsed, and ordinary JSON is unchanged', () => {
    const data = {name: `a${RAW_IN_STRINGIFY.join('b')}z`, nested: [{tab: 'a\tb', esc: '\u001b[2J', é: 'ü', emoji: '💩'}], n: 1, t: true, z: null}
    expect(JSON.parse(jsonText(data))).to.deep.equal(data)
    const ordinary = {profiles: [{name: 'ci', projectId: 'p1'}], ok: true, é: 'ü 💩'}
    expect(jsonText(ordinary)).to.equal(JSON.stringify(ordinary, null, 2))
  })
})
