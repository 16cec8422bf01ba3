// A child process for the kill-mid-write tests: rewrites a config of N profiles (default 2000,
// a large file) as fast as it can, printing a line after each write, until it is killed (or
// after a bounded number of writes). A small N makes the flush the longest part of a write.
import {StateStore} from '../../src/stores/state-store.js'

const store = new StateStore(process.argv[2])
const count = Number(process.argv[3] ?? 2000)
for (let i = 0; i < 2000; i++) {
  await store.update((doc) => {
    doc.profiles = Array.from({length: count}, (_, n) => ({
      apiUrl: doc.currentEnvironment,
      authType: 'none' as const,
      id: `id-${n}`,
      name: `profile-${i}-${n}`,
      projectId: `project-${n}`,
    }))
  })
  process.stdout.write(`${i}\n`)
}
