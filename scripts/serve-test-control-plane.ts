// Starts the bundled test control plane on 127.0.0.1 for the README walkthrough and manual tries.
// Prints one JSON line (its URL and two API keys), then serves until SIGTERM or SIGINT.
import {TestControlPlane} from '../test/support/control-plane-server.js'

const server = await new TestControlPlane({requiresAuth: !process.argv.includes('--no-auth')}).start()
const apiKeys = [server.addKey(), server.addKey()]
process.stdout.write(JSON.stringify({apiKeys, url: server.url}) + '\n')
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.stop().then(() => process.exit(0)))
