import {Flags} from '@oclif/core'

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

// What a terminal could act on, or read as a line break, that the YAML library writes as it is
// (it escapes C0 controls itself): DEL, C1 controls, and the Unicode line and paragraph separators.
const YAML_RAW = /[\u007F-\u009F\u2028\u2029]/g
// eslint-disable-next-line no-control-regex
const NEEDS_QUOTES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/

/**
 * A JSON value as JSON (2-space indent, as Python's `json.dumps(indent=2)`) or YAML (the `yaml`
 * package, loaded only here). YAML is written as YAML 1.1 so that PyYAML reads `"yes"`/`"on"`
 * back as strings, and every string holding a control character is double-quoted with that
 * character escaped: output parses back to the same value and never drives a terminal. The
 * document keeps its final line break, so the printed YAML ends with an empty line, as Python's.
 */
export async function renderData(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2)
  const YAML = await import('yaml')
  const doc = new YAML.Document(value, {version: '1.1'})
  YAML.visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && NEEDS_QUOTES.test(node.value)) node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({lineWidth: 0}).replace(YAML_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
