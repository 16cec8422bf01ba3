// Starts the bundled test control plane on 127.0.0.1 for the README walkthrough and manual tries.
// Prints its URL and one API key, then serves until killed.
import {TestControlPlane} from '../test/support/control-plane-server.js'

const requiresAuth = process.argv.includes('--no-auth') ? false : true
const server = await new TestControlPlane({requiresAuth}).start()
const key = server.addKey(process.env.DEMO_API_KEY || undefined)
process.stdout.write(JSON.stringify({apiKey: key, url: server.url}) + '\n')
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)))
