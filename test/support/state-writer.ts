// A child process for the kill-mid-write test: rewrites a large config as fast as it can,
// printing a line after each write, until it is killed (or after a bounded number of writes).
import {StateStore} from '../../src/stores/state-store.js'

const store = new StateStore(process.argv[2])
for (let i = 0; i < 2000; i++) {
  // eslint-disable-next-line no-await-in-loop
  await store.update((doc) => {
    doc.profiles = Array.from({length: 2000}, (_, n) => ({
      apiUrl: doc.currentEnvironment,
      authType: 'none' as const,
      id: `id-${n}`,
      name: `profile-${i}-${n}`,
      projectId: `project-${n}`,
    }))
  })
  process.stdout.write(`${i}\n`)
}
