import {Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'

import {BaseCommand} from '../src/base-command.js'
import {nativeTlsEnabled} from '../src/net/system-ca.js'
import {DefaultServices} from '../src/services/factory.js'
import {ROOT, tempConfigDir} from './support/cli.js'
import {processState} from './support/process-state.js'

/** Says whether this run would prompt. */
class Decides extends BaseCommand<{interactive: boolean}> {
  async run(): Promise<{interactive: boolean}> {
    await this.parse(Decides)
    return {interactive: this.interactive(undefined)}
  }
}

// Facts from the Python llamactl 0.10.3's source: is_interactive_session() (cli/interactive.py)
// is `not os.environ.get("CI")`, both stdin and stdout TTYs, and `TERM != "dumb"`; its HTTP
// clients use the system trust store when LLAMA_DEPLOY_USE_TRUSTSTORE.lower() is 1, true or yes
// (core/client/ssl_util.py); LLAMA_CLOUD_BASE_URL is used as `rstrip("/")` (cli/env_settings.py).
describe('variables read as the Python llamactl reads them', () => {
  let config: Config
  const state = processState(['CI', 'TERM'])
  let temp: ReturnType<typeof tempConfigDir>

  before(async () => {
    config = await Config.load(ROOT)
  })

  beforeEach(() => {
    temp = tempConfigDir()
    state.save()
    Decides.servicesFactory = (ctx) => new DefaultServices({...ctx, configDir: temp.dir})
  })

  afterEach(() => {
    state.restore()
    temp.cleanup()
  })

  async function prompts(env: {CI?: string; TERM?: string}): Promise<boolean> {
    delete process.env.CI
    process.env.TERM = 'xterm-256color'
    Object.assign(process.env, env)
    process.stdin.isTTY = true
    process.stdout.isTTY = true
    const out = await captureOutput<{interactive: boolean}>(() => Decides.run([], config))
    expect(out.error, out.stderr).to.equal(undefined)
    return out.result!.interactive
  }

  it('[stdin/stdout marked as terminals] any non-empty CI (CI=0 and CI=false too) and TERM=dumb mean no prompt', async () => {
    expect(await prompts({})).to.equal(true)
    for (const ci of ['0', 'false', 'true', '1']) expect(await prompts({CI: ci}), `CI=${ci}`).to.equal(false)
    expect(await prompts({CI: ''})).to.equal(true)
    expect(await prompts({TERM: 'dumb'})).to.equal(false)
  })

  it('LLAMA_DEPLOY_USE_TRUSTSTORE=1/true/yes (any case) turns the system trust store on; other values are ignored, not errors', () => {
    for (const value of ['1', 'true', 'TRUE', 'yes', 'Yes']) expect(nativeTlsEnabled({LLAMA_DEPLOY_USE_TRUSTSTORE: value}), value).to.equal(true)
    for (const value of ['0', 'on', 'y', 'no', 'garbage', '']) expect(nativeTlsEnabled({LLAMA_DEPLOY_USE_TRUSTSTORE: value}), value).to.equal(false)
    expect(nativeTlsEnabled({LLAMA_DEPLOY_USE_TRUSTSTORE: '1', LLAMACTL_NATIVE_TLS: '0'})).to.equal(true)
    expect(nativeTlsEnabled({})).to.equal(false)
  })

  it('LLAMA_CLOUD_BASE_URL keeps what was written but its trailing slashes: http://10.1.2.3:80// is http://10.1.2.3:80', async () => {
    const resolve = async (baseUrl: string) => {
      const env = {LLAMA_AGENTS_PROJECT_ID: 'p1', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_BASE_URL: baseUrl, LLAMACTL_SECRET_STORE: 'file'}
      const services = new DefaultServices({configDir: temp.dir, env, version: '0.1.0', warn() {}})
      return (await (await services.credentialService()).credentialsInEffect({})).apiUrl
    }

    expect(await resolve('http://10.1.2.3:80//')).to.equal('http://10.1.2.3:80')
    expect(await resolve('https://cp.example.com:443/')).to.equal('https://cp.example.com:443')
    expect(await resolve('https://cp.example.com/base/')).to.equal('https://cp.example.com/base')
  })
})
