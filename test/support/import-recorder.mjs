// Preloaded with `node --import`: appends the URL of every module the process resolves through
// Node's ES module loader (the main module, import and import(); not require) to
// $LLAMACTL_TEST_IMPORT_LOG, one per line, so a test can tell which files a command loads.
// A module imported from several places is logged once per import.
import {appendFileSync} from 'node:fs'
import module from 'node:module'

const log = (url) => appendFileSync(process.env.LLAMACTL_TEST_IMPORT_LOG, `${url}\n`)

if (module.registerHooks) {
  // Node 22.15+: in-thread hooks. module.register (below) is deprecated from Node 26 on, with a
  // warning on stderr that tests reading stderr would see. These hooks see require() too: only
  // what the ES module loader resolves is logged, as before.
  module.registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context)
      if (context.conditions?.includes('import')) log(result.url)
      return result
    },
  })
} else {
  const hooks = `
import {appendFileSync} from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(process.env.LLAMACTL_TEST_IMPORT_LOG, result.url + '\\n')
  return result
}
`
  module.register(`data:text/javascript,${encodeURIComponent(hooks)}`)
}
