// A child process for the kill-mid-write tests: writes a key into a .env (updateDotenvFile, as
// `auth inject` does) as fast as it can, printing a line after each write, until it is killed
// (or after a bounded number of writes). Every value holds the key given as argument.
import {updateDotenvFile} from '../../src/stores/dotenv-file.js'

const [file, key] = process.argv.slice(2)
for (let i = 0; i < 2000; i++) {
  await updateDotenvFile(file, [['LLAMA_CLOUD_API_KEY', `${key}-${i}`]], {secret: true})
  process.stdout.write(`${i}\n`)
}
