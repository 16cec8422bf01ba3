// A child process for the quiet-test-servers test: starts the test OpenID provider, asks it for
// a device code (the adapter stores it), and a second provider beside it, then stops both and
// prints the device code's user code. Whatever it prints on stderr is noise in every test log.
import {TestOidcProvider} from './oidc-provider.js'
import {CLI_CLIENT_ID} from './oidc-provider.js'

const providers = [await new TestOidcProvider().start(), await new TestOidcProvider().start()]
const response = await fetch(`${providers[0].issuer}/device/auth`, {body: new URLSearchParams({client_id: CLI_CLIENT_ID, scope: 'openid'}), method: 'POST'})
const body = (await response.json()) as {user_code?: string}
for (const provider of providers) await provider.stop()
process.stdout.write(`${response.status} ${body.user_code ?? ''}\n`)
