// A child process for the kill-mid-write tests: stores secrets in the fallback file
// (secrets.json) as fast as it can, printing a line after each write, until it is killed (or
// after a bounded number of writes). Every value holds the key given as argument.
import {SecretStore} from '../../src/stores/secret-store.js'

const [dir, key] = process.argv.slice(2)
const store = new SecretStore({dir, mode: 'file', warn: () => {}})
for (let i = 0; i < 2000; i++) {
  await store.set(`profile:writer-${i % 50}`, {apiKey: `${key}-${i}`})
  process.stdout.write(`${i}\n`)
}
