import {BaseCommand} from './base-command.js'
import type {CliError} from './errors.js'
import {type OutputFormat, renderData} from './ui/output.js'

/**
 * The base of the Python llamactl 0.10 read commands (`auth get`, `environments get`,
 * `projects get`, `organizations get`, `config`): `-o json|yaml` prints the returned data, text
 * and wide print a table. `--json` is `-o json` (oclif prints the returned value).
 */
export abstract class OutputCommand<T> extends BaseCommand<T> {
  /** Prints `data` in `format`; for text and wide, what `text(wide)` returns (nothing when undefined). */
  protected async print(format: OutputFormat, data: T, text: (wide: boolean) => string | undefined): Promise<T> {
    if (this.jsonEnabled()) return data
    if (format === 'json' || format === 'yaml') {
      this.log(await renderData(data, format))
      return data
    }

    const lines = text(format === 'wide')
    if (lines !== undefined) this.log(lines)
    return data
  }
}

/**
 * The "one or all" rule of the 0.10 `get` commands: every item when nothing is `wanted`, else the
 * items whose key is `wanted`, and none of them is `notFound()` (exit 1, as in Python).
 */
export function oneOrAll<T>(items: readonly T[], wanted: string | undefined, key: (item: T) => string, notFound: () => CliError): T[] {
  if (wanted === undefined) return [...items]
  const found = items.filter((item) => key(item) === wanted)
  if (found.length === 0) throw notFound()
  return found
}
