import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {builtinModules} from 'node:module'
import path from 'node:path'

import {cleanEnv, ROOT, run, stageCheckout, tempDir} from './fixtures/host/stage.js'

interface PackFile {
  mode: number
  path: string
  size: number
}

const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))

/** What an API key or token looks like, in any file that would be published. */
const SECRET_PATTERNS = [/llx-[A-Za-z0-9]{16,}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /"(apiKey|accessToken|refreshToken)"\s*:\s*"[^"]{8,}"/]

describe('the npm package', function () {
  this.timeout(120_000)
  let tmp: string
  let stage: string
  let files: PackFile[]

  before(async () => {
    for (const built of ['dist', 'oclif.manifest.json', 'man'])
      expect(existsSync(path.join(ROOT, built)), `${built} is missing: build first (scripts/test.sh does)`).to.equal(true)
    tmp = tempDir('llamactl-pack-')
    stage = stageCheckout(tmp)
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: stage,
      env: cleanEnv({HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache')}),
      timeoutMs: 60_000,
    })
    expect(packed.code, packed.stderr).to.equal(0)
    files = JSON.parse(packed.stdout)[0].files
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  const paths = () => files.map((f) => f.path)

  it('ships what runs: the built commands, bin/run.js, the manifest, man pages and README', () => {
    expect(paths()).to.include.members(['package.json', 'README.md', 'bin/run.js', 'oclif.manifest.json'])
    for (const command of Object.values(manifest.commands) as Array<{id: string; relativePath: string[]}>)
      expect(paths(), command.id).to.include(command.relativePath.join('/'))
    for (const page of pjson.man as string[]) expect(paths()).to.include(path.normalize(page))
    expect(files.find((f) => f.path === 'bin/run.js')!.mode & 0o111, 'bin/run.js is executable').to.not.equal(0)
  })

  it('ships no sources, tests, dev tooling or local state', () => {
    const unwanted = paths().filter(
      (p) =>
        /^(src|test|bench|scripts|\.ci|coverage|tmp)\//.test(p) ||
        (/\.(ts|tsx|mts|cts|map|tgz|log)$/.test(p) && !/^dist\/.*\.(d\.ts|m?js\.map)$/.test(p)) ||
        /(^|\/)(config|secrets)\.json$/.test(p) ||
        /(^|\/)\.(env|npmrc|mocharc\.json)/.test(p) ||
        ['bin/dev.js', 'tsconfig.json', 'package-lock.json'].includes(p),
    )
    expect(unwanted).to.deep.equal([])
  })

  it('ships a source map beside each bundled file, naming src/ lines without carrying the sources', () => {
    const scripts = paths().filter((p) => /^dist\/.*\.m?js$/.test(p))
    expect(scripts).to.not.be.empty
    for (const script of scripts) {
      expect(paths(), script).to.include(`${script}.map`)
      const map = JSON.parse(readFileSync(path.join(stage, `${script}.map`), 'utf8')) as {sources: string[]; sourcesContent?: unknown}
      expect(
        map.sources.every((s) => /^(\.\.\/)+src\/.*\.ts$/.test(s)),
        script,
      ).to.equal(true)
      expect(map.sourcesContent, script).to.equal(undefined)
    }
  })

  it('ships nothing that looks like an API key or token', () => {
    const hits: string[] = []
    for (const file of paths()) {
      const text = readFileSync(path.join(stage, file), 'utf8')
      for (const pattern of SECRET_PATTERNS) if (pattern.test(text)) hits.push(`${file}: ${text.match(pattern)![0].slice(0, 12)}...`)
    }

    expect(hits).to.deep.equal([])
  })

  it('needs no devDependency at run time: every package dist/ imports is a dependency', () => {
    const runtime = new Set([...Object.keys(pjson.dependencies ?? {}), ...Object.keys(pjson.optionalDependencies ?? {})])
    const builtins = new Set(builtinModules)
    const missing: string[] = []
    for (const file of paths().filter((p) => p.endsWith('.js'))) {
      const text = readFileSync(path.join(stage, file), 'utf8')
      for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        if (!runtime.has(name)) missing.push(`${file} imports ${spec}`)
      }
    }

    expect(missing).to.deep.equal([])
    // Plugins named in the oclif section are loaded at run time too.
    for (const plugin of pjson.oclif.plugins ?? []) expect(runtime, plugin).to.include(plugin)
  })

  it('ships type declarations for every entry module and every module they name, named by the `types` condition of `exports`', () => {
    const root = pjson.exports['.']
    expect(root).to.deep.equal({import: './dist/index.js', types: './dist/index.d.ts'})
    // Node and TypeScript pick the first matching condition: `types` must come before `import`.
    expect(Object.keys(root)[0]).to.equal('types')
    // The chunks of scripts/bundle.mjs have none; each source module has its own .d.ts instead.
    for (const js of paths().filter((p) => /^dist\/.*\.js$/.test(p) && !p.startsWith('dist/chunks/')))
      expect(paths(), js).to.include(js.replace(/\.js$/, '.d.ts'))
    for (const dts of paths().filter((p) => p.endsWith('.d.ts')))
      for (const [, spec] of readFileSync(path.join(stage, dts), 'utf8').matchAll(/from '(\.[^']+)\.js'/g))
        expect(paths(), `${dts} imports ${spec}.js`).to.include(path.posix.join(path.posix.dirname(dts), `${spec}.d.ts`))
    expect(readFileSync(path.join(stage, 'dist', 'index.d.ts'), 'utf8')).to.match(/export declare function resolveCredentials\(/)
  })

  it("shows in docs/library.md, as its library example, exactly the host's TypeScript command that the tests compile and run", () => {
    const library = readFileSync(path.join(ROOT, 'docs', 'library.md'), 'utf8')
    const block = /<!-- library-example: (\S+) -->\n```ts\n([\s\S]*?)```\n<!-- library-example-end -->/.exec(library)
    expect(block, 'docs/library.md has the library example block').to.not.equal(null)
    expect(block![1]).to.equal('test/fixtures/host/library/deployments/list.ts')
    expect(block![2]).to.equal(readFileSync(path.join(ROOT, block![1]), 'utf8'))
  })

  it('keeps keytar optional, so a failed native build never fails the install', () => {
    expect(pjson.optionalDependencies).to.have.property('keytar')
    expect(pjson.dependencies ?? {}).to.not.have.property('keytar')
  })

  it('lists every generated man page in package.json "man", so npm installs them', () => {
    const generated = readdirSync(path.join(ROOT, 'man')).filter((f) => /\.1$/.test(f))
    expect((pjson.man as string[]).map((p) => path.basename(p)).sort()).to.deep.equal(generated.sort())
  })
})
