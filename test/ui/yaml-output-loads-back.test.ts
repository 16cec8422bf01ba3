import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import YAML from 'yaml'

import {renderData} from '../../src/ui/output.js'
import {visibleLines} from '../../src/ui/terminal-text.js'

// Strings a server or a user can put in a project id, a name or a URL: YAML 1.1's special plain
// scalars, quoting characters, tabs, bidi and zero-width characters, line separators, controls,
// a lone surrogate and a character beyond U+FFFF.
const HOSTILE = [
  '<<',
  '=',
  '<<<',
  '==',
  'a=b',
  'a\tb',
  '\t',
  'x\u202Ey',
  'z\u200Bw',
  'l\u2028m',
  'p\u2029q',
  '\uFEFF',
  '\u00AD',
  '\u0085',
  'a\u0085b',
  '\u007F',
  '\u009B31m',
  '\r',
  'a\r\nb',
  'multi\nline',
  'multi\nline\twith tab',
  '\\u202e',
  'y',
  'n',
  'yes',
  'off',
  '~',
  'null',
  '0x1F',
  '1_000',
  '.inf',
  '2001-12-14',
  '12:30:45',
  '- a',
  ': a',
  '#x',
  '&a',
  '*a',
  '!t',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  "'",
  '"',
  '? x',
  '{a',
  '[a',
  'a: b',
  'a #b',
  '',
  ' lead',
  'trail ',
  'é',
  '💩',
  '\uD800',
  'x\u{E0041}',
]

/** A document of them as values, as keys (`<<` among them: the merge key), and in a list. */
const DOCUMENT = {keys: Object.fromEntries(HOSTILE.map((s, i) => [s, i])), list: HOSTILE, values: Object.fromEntries(HOSTILE.map((s, i) => [`k${i}`, s]))}

/** What `-o yaml` prints: OutputCommand.print logs the rendered text through BaseCommand.log (visibleLines). */
const printedYaml = async (value: unknown) => visibleLines(await renderData(value, 'yaml'))
const printedJsonValue = async (value: unknown) => JSON.parse(visibleLines(await renderData(value, 'json'))) as unknown

describe('-o yaml loads back to exactly the value of -o json', () => {
  it('the yaml package (YAML 1.1, merge keys on) reads hostile strings, keys and lists back as the JSON output has them', async () => {
    const text = await printedYaml(DOCUMENT)
    expect(YAML.parse(text, {merge: true, version: '1.1'})).to.deep.equal(await printedJsonValue(DOCUMENT))
    expect(YAML.parse(text)).to.deep.equal(await printedJsonValue(DOCUMENT))
  })

  it('no character that does not show as itself reaches the terminal: each is an escape inside a double-quoted string', async () => {
    const text = await printedYaml(DOCUMENT)
    // eslint-disable-next-line no-control-regex
    expect(text).to.not.match(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u2028-\u202E\uFEFF]/)
    expect(text)
      .to.include(String.raw`"x\u202ey"`)
      .and.include(String.raw`"a\tb"`)
      .and.include(`'<<': `)
  })

  it('PyYAML safe_load reads it back to the JSON value (runs where python3 has yaml)', async function () {
    const probe = spawnSync('python3', ['-c', 'import yaml'], {encoding: 'utf8', timeout: 10_000})
    if (probe.status !== 0) {
      console.log(`      (skipped: python3 with PyYAML is not available here: ${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)})`)
      this.skip()
    }

    const text = await printedYaml(DOCUMENT)
    const loaded = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], {
      encoding: 'utf8',
      input: text,
      timeout: 10_000,
    })
    expect(loaded.stderr).to.equal('')
    expect(JSON.parse(loaded.stdout)).to.deep.equal(await printedJsonValue(DOCUMENT))
  })

  it('ordinary data is written as before (byte for byte, as the Python CLI writes it): only what must be quoted is', async () => {
    const ordinary = {
      environments: [{api_url: 'https://api.cloud.llamaindex.ai', current: true, requires_auth: true}],
      profiles: [{name: 'llx-ab****wxyz', project_id: 'a1b2c3d4-0000-4000-8000-000000000001', yes: 'on', note: 'two\nlines', empty: null}],
    }
    expect(await printedYaml(ordinary)).to.equal(
      [
        'environments:',
        '  - api_url: https://api.cloud.llamaindex.ai',
        '    current: true',
        '    requires_auth: true',
        'profiles:',
        '  - name: llx-ab****wxyz',
        '    project_id: a1b2c3d4-0000-4000-8000-000000000001',
        '    "yes": "on"',
        '    note: |-',
        '      two',
        '      lines',
        '    empty: null',
        '',
      ].join('\n'),
    )
  })
})
