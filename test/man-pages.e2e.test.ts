import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import path from 'node:path'

import {runCli} from './support/cli.js'
import {topicsOf} from './support/manifest.js'
import {cleanEnv, ROOT, run, tempDir} from './fixtures/host/stage.js'

interface ManifestCommand {
  args?: Record<string, {name: string}>
  flags?: Record<string, {hidden?: boolean; name: string}>
  hidden?: boolean
  id: string
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const commands = (Object.values(manifest.commands) as ManifestCommand[]).filter((c) => !c.hidden)
const pageOf = (id: string) => `llamactl-${id.replaceAll(':', '-')}.1`
const SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'SEE ALSO']
const ENVIRONMENT = [
  'LLAMACTL_CONFIG_DIR',
  'LLAMACTL_SECRET_STORE',
  'LLAMACTL_KEYCHAIN_TIMEOUT_MS',
  'LLAMACTL_HTTP_TIMEOUT_MS',
  'LLAMA_CLOUD_API_KEY',
  'LLAMA_AGENTS_PROJECT_ID',
  'LLAMA_CLOUD_BASE_URL',
  'LLAMA_CLOUD_USE_PROFILE',
  'BROWSER',
  'CI',
  'DEBUG',
  'XDG_CONFIG_HOME',
]

/** One section of a page rendered as plain text: the lines after its heading, to the next. */
function section(text: string, name: string): string {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l === name)
  if (start === -1) return ''
  const end = lines.findIndex((l, i) => i > start && /^[A-Z][A-Z ]+$/.test(l))
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n')
}

/** Long flag names (`--api-key`, `--[no-]interactive` as `--interactive`) in some text. */
const flagNames = (text: string) => new Set([...text.matchAll(/(?:^|\s|,)--(?:\[no-\])?([a-z][\w-]*)/gm)].map((m) => m[1]))

describe('man pages', function () {
  this.timeout(60_000)
  let out: string
  const rendered = new Map<string, string>()

  before(async () => {
    out = tempDir('llamactl-man-')
    const gen = await run(process.execPath, [path.join(ROOT, 'scripts', 'gen-man.mjs'), '--out', out], {env: cleanEnv({SOURCE_DATE_EPOCH: '1767225600'})})
    expect(gen.code, gen.stderr).to.equal(0)
    expect(gen.stderr, 'every page is in package.json "man"').to.not.match(/not in package.json/)
  })

  after(() => rmSync(out, {force: true, recursive: true}))

  it('has one page per command and per topic, all listed in package.json "man"', () => {
    const pages = readdirSync(out).sort()
    const topics = topicsOf(commands)
    const expected = [...commands.map((c) => pageOf(c.id)), ...[...topics].map((t) => pageOf(t))].sort()
    expect(pages).to.deep.equal(expected)
    expect(pages).to.include.members(['llamactl-auth.1', 'llamactl-auth-token.1', 'llamactl-auth-env-add.1'])
    expect((pjson.man as string[]).map((p) => path.basename(p)).sort()).to.deep.equal(pages)
  })

  it('renders every page with groff and man without a warning', async () => {
    for (const page of readdirSync(out)) {
      const file = path.join(out, page)
      const groff = await run('groff', ['-man', '-Tutf8', '-ww', '-z', file])
      expect(groff.code, `${page}: ${groff.stderr}`).to.equal(0)
      expect(groff.stderr, page).to.equal('')
      const man = await run('man', ['--warnings', '-l', file], {env: cleanEnv({MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat'})})
      expect(man.code, `${page}: ${man.stderr}`).to.equal(0)
      expect(man.stderr, page).to.equal('')
      // eslint-disable-next-line no-control-regex -- man's overstrike (char, backspace) is what is removed
      rendered.set(page, man.stdout.replaceAll(/.\x08/g, ''))
    }
  })

  it('has the standard sections, the environment variables and the exit codes on every page', () => {
    for (const [page, text] of rendered) {
      // A topic's page lists its commands where a command's page lists its options.
      const isTopic = !commands.some((c) => pageOf(c.id) === page)
      for (const name of SECTIONS.map((s) => (isTopic && s === 'OPTIONS' ? 'COMMANDS' : s)))
        expect(text, `${page} lacks ${name}`).to.match(new RegExp(`^${name}$`, 'm'))
      const env = section(text, 'ENVIRONMENT')
      for (const name of ENVIRONMENT) expect(env, `${page}: ${name}`).to.match(new RegExp(`^\\s+${name}\\b`, 'm'))
      expect(section(text, 'FILES')).to.include('config.json').and.to.include('secrets.json')
      for (const code of ['0', '1', '2', '130']) expect(section(text, 'EXIT STATUS'), `${page}: exit ${code}`).to.match(new RegExp(`^\\s+${code}\\b`, 'm'))
      // SEE ALSO names only pages that exist.
      for (const [, ref] of section(text, 'SEE ALSO').matchAll(/\b([a-z][\w-]*)\(1\)/g))
        expect(rendered.has(`${ref}.1`), `${page} refers to ${ref}(1)`).to.equal(true)
    }

    expect(rendered.size, 'pages were rendered').to.be.greaterThan(commands.length)
  })

  it("lists in OPTIONS exactly the flags and arguments of the command's --help", async () => {
    for (const command of commands) {
      const help = await runCli([...command.id.split(':'), '--help'])
      expect(help.code, help.stderr).to.equal(0)
      const text = rendered.get(pageOf(command.id))!
      const options = section(text, 'OPTIONS')
      const helpFlags = flagNames(['FLAGS', 'GLOBAL FLAGS'].map((s) => section(help.stdout, s)).join('\n'))
      expect(helpFlags.size, `${command.id} --help lists flags`).to.be.greaterThan(0)
      expect(flagNames(options), command.id).to.deep.equal(helpFlags)
      const helpArgs = [...section(help.stdout, 'ARGUMENTS').matchAll(/^\s+\[?([A-Z_]+)\]?\s/gm)].map((m) => m[1])
      for (const arg of helpArgs) expect(options, `${command.id} argument ${arg}`).to.match(new RegExp(`^\\s+${arg}\\b`, 'm'))
      // The page's examples are the help's examples.
      for (const line of section(help.stdout, 'EXAMPLES')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean))
        expect(section(text, 'EXAMPLES'), command.id).to.include(line)
    }
  })

  it('names the seed-era command on the page of each Python llamactl 0.10 command, and --project where --project-id is', () => {
    const equivalents: Record<string, string> = {
      'auth:get': 'auth list',
      'auth:use': 'auth switch',
      'environments:add': 'auth env add',
      'environments:delete': 'auth env delete',
      'environments:get': 'auth env list',
      'environments:use': 'auth env switch',
      'projects:use': 'auth project',
    }
    for (const [id, seed] of Object.entries(equivalents)) expect(section(rendered.get(pageOf(id))!, 'DESCRIPTION'), id).to.include(seed)
    for (const text of rendered.values()) expect(text).not.to.include('Also available as')

    for (const id of ['auth:token', 'auth:login', 'auth:status', 'auth:inject', 'auth:exec'])
      expect(section(rendered.get(pageOf(id))!, 'OPTIONS'), id).to.match(/--project-id[\s\S]*alias:\s+--project\)/)
  })

  it('says which commands take --json as the manifest has it, and shows every example with its $ prompt', () => {
    const noJson = commands.filter((c) => !(c as {flags: Record<string, unknown>}).flags.json).map((c) => c.id.replaceAll(':', ' '))
    expect(noJson, 'the positive control: auth exec has no --json').to.include('auth exec')
    const topic = rendered.get(pageOf('auth'))!.replaceAll(/\s+/g, ' ')
    expect(topic).not.to.include('Every command takes --json')
    for (const id of noJson) expect(topic).to.include(`all but llamactl ${id}`)
    for (const c of commands) {
      const examples = section(rendered.get(pageOf(c.id))!, 'EXAMPLES')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.includes('llamactl '))
      expect(examples, c.id).to.not.be.empty
      for (const line of examples) expect(line, `${c.id}: ${line}`).to.match(/^\$ /)
    }
  })

  it('ships the pages built by the build (man/ is what npm packs)', () => {
    expect(existsSync(path.join(ROOT, 'man')), 'man/ missing: scripts/test.sh runs scripts/gen-man.mjs').to.equal(true)
    expect(readdirSync(path.join(ROOT, 'man')).sort()).to.deep.equal(readdirSync(out).sort())
  })
})
