// A child process for the fake-bus fuzz test: asks the Secret Service client `count` questions
// in a row on the session bus of its environment (the test's fake bus), alternating the two it
// asks (even: an item's state, odd: whether the default collection is locked), and prints one
// JSON line per answer with how long it took. Run in its own process with a small heap, so a
// decoder that loops or allocates without bound fails the test instead of wedging the runner.
import {defaultCollectionLocked, secretItemState} from '../../src/net/secret-service.js'

const count = Number(process.argv[2])
for (let i = 0; i < count; i++) {
  const started = performance.now()
  const result = i % 2 === 0 ? await secretItemState({account: 'profile:fuzz', service: 'llamactl'}) : await defaultCollectionLocked()
  process.stdout.write(`${JSON.stringify({i, ms: Math.round(performance.now() - started), result: result ?? null})}\n`)
}
