// Preloaded with `node --import`: appends every module URL the process loads to
// $LLAMACTL_TEST_IMPORT_LOG, so a test can tell which paths load openid-client.
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
