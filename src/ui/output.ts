import {Flags} from '@oclif/core'

import {UNPRINTABLE} from '../model.js'
import {table} from './views.js'

/** What `-o/--output` takes (the Python llamactl 0.10's choices, any case). */
export const OUTPUT_FORMATS = ['text', 'wide', 'json', 'yaml'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/**
 * `-o/--output text|wide|json|yaml`, case-insensitive as click's `Choice(case_sensitive=False)`.
 * A value outside the list is a parse error, which BaseCommand.parse turns into one usage line.
 */
export const outputFlag = Flags.custom<OutputFormat>({
  char: 'o',
  default: 'text',
  description: 'Output format: text (default), wide (text with more columns), json or yaml (the same data as json); any case',
  helpValue: 'text|wide|json|yaml',
  async parse(input) {
    const format = input.trim().toLowerCase()
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new Error(`Expected --output to be one of: ${OUTPUT_FORMATS.join(', ')}`)
    return format as OutputFormat
  },
})()

/** A table column: its title, the cell of a row, and whether only `-o wide` shows it. */
export interface Column<R> {
  cell: (row: R) => string
  title: string
  wide?: boolean
}

/** Rows as the spec's text table; `wide` adds the wide-only columns. Cells are made visible by `table`. */
export function renderTable<R>(rows: R[], columns: Column<R>[], wide: boolean): string {
  const shown = columns.filter((c) => wide || !c.wide)
  return table(
    shown.map((c) => c.title),
    rows.map((row) => shown.map((c) => c.cell(row))),
  )
}

// Every character that doesn't show as itself (the printable rule of model.ts: controls, bidi and
// zero-width format characters, surrogates, line separators) except the line break, which the
// YAML library writes as a block scalar's own line break.
const UNPRINTABLE_BUT_NEWLINE = new RegExp(`(?!\\n)${UNPRINTABLE.source}`, 'u')
const UNPRINTABLE_BUT_NEWLINE_ALL = new RegExp(UNPRINTABLE_BUT_NEWLINE.source, 'gu')
// Plain scalars YAML 1.1 reads as something else: the merge key and the value key (PyYAML's
// safe_load refuses both); quoted as PyYAML quotes them.
const YAML_11_SPECIAL = new Set(['<<', '='])
const MERGE_TAG = 'tag:yaml.org,2002:merge'

/** A character as a YAML double-quoted escape: `\u202e`, or `\U000e0041` beyond U+FFFF (a `\u` pair would load as two surrogates). */
function yamlEscape(c: string): string {
  const code = c.codePointAt(0)!
  return code > 0xff_ff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * A JSON value as JSON (2-space indent, as Python's `json.dumps(indent=2)`) or YAML (the `yaml`
 * package, loaded only here). YAML is written as YAML 1.1 so that PyYAML reads `"yes"`/`"on"`
 * back as strings; `<<` and `=` are single-quoted (as PyYAML writes them), and every string
 * holding a character that isn't printable (a tab, a bidi or zero-width character, a control) is
 * double-quoted with that character escaped: the output loads back (PyYAML's safe_load, the
 * `yaml` package) to exactly the JSON value and never drives a terminal. Other strings are
 * written as before. The document keeps its final line break, so the printed YAML ends with an
 * empty line, as Python's.
 */
export async function renderData(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2)
  const YAML = await import('yaml')
  // Without the merge tag in the schema, a `<<` string is a string the visit below can quote (the tag would write it bare).
  const doc = new YAML.Document(value, {customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_TAG), version: '1.1'})
  YAML.visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string') return
      if (UNPRINTABLE_BUT_NEWLINE.test(node.value)) node.type = 'QUOTE_DOUBLE'
      else if (YAML_11_SPECIAL.has(node.value)) node.type = 'QUOTE_SINGLE'
    },
  })
  // Only double-quoted scalars hold such characters (the visit above), where an escape is the same character.
  return doc.toString({lineWidth: 0}).replace(UNPRINTABLE_BUT_NEWLINE_ALL, (c) => yamlEscape(c))
}
