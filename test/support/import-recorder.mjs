// Preloaded with `node --import`: appends the URL of every module the process resolves through
// Node's ES module loader (the main module, import and import(); not require) to
// $LLAMACTL_TEST_IMPORT_LOG, one per line, so a test can tell which files a command loads.
// A module imported from several places is logged once per import.
import {register} from 'node:module'

const hooks = `
import {appendFileSync} from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(process.env.LLAMACTL_TEST_IMPORT_LOG, result.url + '\\n')
  return result
}
`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
