// The bodies of the tests inject.test.ts (in-process) and inject.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {Fixture, ok} from '../../support/fixture.js'

/** writes .env in the working directory, 0600, and says which names it wrote, never the values */
export async function writesDotenvInTheWorkingDirectory(f: Fixture): Promise<void> {
  const work = path.join(f.dir, 'work')
  const result = ok(await f.run(['auth', 'inject'], {cwd: work}))
  const file = path.join(work, '.env')
  expect(readFileSync(file, 'utf8')).to.equal(`LLAMA_CLOUD_API_KEY=${f.key}\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=${f.server.url}\n`)
  expect(statSync(file).mode & 0o777).to.equal(0o600)
  expect(result.stderr).to.equal(`Wrote LLAMA_CLOUD_API_KEY, LLAMA_AGENTS_PROJECT_ID and LLAMA_CLOUD_BASE_URL (profile inject-ci) to ${file}.\n`)
  expect(result.stdout + result.stderr).to.not.include(f.key)
  // The one request is the fixture's probe of the environment, made before the command ran.
  expect(
    f.server.requests.map((r) => r.path),
    'no network call',
  ).to.deep.equal(['/api/v1beta1/deployments-public/version'])
}
