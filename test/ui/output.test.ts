import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'

import {type Column, renderData, renderTable} from '../../src/ui/output.js'

// eslint-disable-next-line no-control-regex -- the characters that must never reach a terminal raw
const RAW_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/

describe('output (-o)', () => {
  const hostile = {
    bell: 't\u0007',
    c1: 'x\u009b2J',
    del: 'd\u007f',
    esc: 'e\u001b[31m',
    lines: 'one\ntwo',
    nel: 'n\u0085l',
    separator: 'l\u2028s',
  }

  it('yaml parses back to the same value, with every control character escaped in the text', async () => {
    const value = [{...hostile, n: 3, nothing: null, yes: true}]
    const text = await renderData(value, 'yaml')
    expect(text).not.to.match(RAW_CONTROLS)
    expect(parseYaml(text)).to.deep.equal(value)
    expect(parseYaml(text, {version: '1.1'})).to.deep.equal(value)
  })

  it('yaml quotes the strings YAML 1.1 (PyYAML) would read as booleans, numbers or null', async () => {
    const value = {a: 'yes', b: 'on', c: 'no', d: 'null', e: '1.0', f: '~', g: ''}
    const text = await renderData(value, 'yaml')
    expect(parseYaml(text, {version: '1.1'})).to.deep.equal(value)
    expect(text).to.match(/^a: "yes"$/m)
  })

  it('yaml of an empty list is [] and keeps the final line break; json is indented by 2', async () => {
    expect(await renderData([], 'yaml')).to.equal('[]\n')
    expect(await renderData({a: [1]}, 'json')).to.equal('{\n  "a": [\n    1\n  ]\n}')
  })

  it('tables: the titles, wide-only columns only with wide, and cells made visible', () => {
    const columns: Column<{a: string; b: string}>[] = [
      {cell: (r) => r.a, title: 'A'},
      {cell: (r) => r.b, title: 'WIDE_B', wide: true},
    ]
    const rows = [{a: 'x\u001b]0;t\u0007', b: 'y'}]
    expect(renderTable(rows, columns, false)).to.equal('A\nx\\u001b]0;t\\u0007')
    expect(renderTable(rows, columns, true)).to.equal('A                  WIDE_B\nx\\u001b]0;t\\u0007  y')
  })
})
