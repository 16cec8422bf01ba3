#!/usr/bin/env node
// The second half of `npm run build`: tsc compiles src/ to build/tsc/ (one ES module per source
// file) and writes the declarations to dist/; this script joins those modules into fewer files
// in dist/, with rollup, so that a command loads a handful of files instead of twenty.
//
// Why: Node resolves, reads, compiles and links every ES module on its own, a cost per module
// however tiny the module is; bundled, a command loads its command file, the core chunk and the
// shared chunk (docs/architecture.md, "How it ships"; bench/README.md has the figures).
//
// What goes where (the layers of src/ stay as they are; this is only how they ship):
// - entries keep their paths: dist/commands/**, dist/hooks/**, dist/help.js (oclif finds them
//   through package.json and the manifest), dist/index.js (the library) and dist/route-argv.js
//   (bin/run.js);
// - dist/completion/complete.js, the program a shell runs at every TAB, is one CommonJS file with
//   everything it uses inside (dist/completion/package.json says so): Node starts a CommonJS main
//   module without its ES module loader, which a TAB would otherwise pay for;
// - chunks/shared.js: what the hook and the help class import, all of it node:-only;
// - chunks/core.js: what every command imports, plus what resolving a credential needs (status,
//   inject, exec and the library do that), so that path is one file; it may import no package
//   but @oclif/core: the heavy ones (got, openid-client, keytar, enquirer, yaml, proper-lockfile)
//   stay behind the dynamic imports the source has, each in its own chunk;
// - every other module is a chunk of its own, named after its source file (chunks/http.js,
//   chunks/file-lock.js): loaded only where the source imports it lazily.
// All chunks sit in dist/chunks/, one level below dist/ like the source's own directories, so an
// `import.meta.url`-relative path written in src/<dir>/ (completion-service's ../completion/
// complete.js) still points at the same file.
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {rollup} from '@rollup/wasm-node'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const FROM = path.join(ROOT, 'build', 'tsc')
const TO = path.join(ROOT, 'dist')

/** The entries whose static imports make chunks/shared.js: loaded without the command base. */
const SHARED_ROOTS = ['hooks/command-not-found.js', 'help.js', 'route-argv.js']
/** The modules whose static imports make chunks/core.js. */
const CORE_ROOTS = [
  'base-command.js',
  'output-command.js',
  'flags.js',
  'ui/views.js',
  'ui/output.js',
  'services/credentials.js',
  'services/active-credential.js',
  'services/status-service.js',
  'stores/secret-store.js',
]
/** Packages chunks/core.js may import statically; every other one only where the source imports it lazily. */
const CORE_PACKAGES = new Set(['@oclif/core'])

function fail(message) {
  process.stderr.write(`bundle: ${message}\n`)
  process.exit(1)
}

/** The relative static imports of one compiled module (tsc's output: one import per statement). */
function staticImports(file) {
  const text = readFileSync(file, 'utf8')
  const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm), ...text.matchAll(/^import\s+'([^']+)'/gm)].map((m) => m[1])
  return {
    local: specs.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s)),
    packages: specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
  }
}

function closure(roots) {
  const seen = new Set()
  const todo = roots.map((r) => path.join(FROM, r))
  while (todo.length > 0) {
    const file = todo.pop()
    if (seen.has(file)) continue
    if (!existsSync(file)) fail(`${path.relative(ROOT, file)} is missing: run tsc first (npm run build)`)
    seen.add(file)
    todo.push(...staticImports(file).local)
  }

  return seen
}

function walk(dir, ext) {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
}

// The entries are named by src/, not by build/tsc/: tsc never deletes what it wrote, so a command
// whose source is gone would otherwise ship again from its stale build/tsc/ file.
const SRC = path.join(ROOT, 'src')
const compiled = (ts) => path.join(FROM, path.relative(SRC, ts)).replace(/\.ts$/, '.js')
const entryFiles = [
  ...walk(path.join(SRC, 'commands'), '.ts'),
  ...walk(path.join(SRC, 'hooks'), '.ts'),
  ...['help.ts', 'index.ts', 'route-argv.ts'].map((f) => path.join(SRC, f)),
].map(compiled)
const entries = new Set(entryFiles)
const shared = new Set([...closure(SHARED_ROOTS)].filter((f) => !entries.has(f)))
const core = new Set([...closure(CORE_ROOTS)].filter((f) => !shared.has(f)))

for (const file of shared) {
  const {packages} = staticImports(file)
  if (packages.length > 0)
    fail(`${path.relative(FROM, file)} goes into chunks/shared.js, which the not-found hook loads, but it imports ${packages.join(', ')}`)
}

for (const file of core) {
  const heavy = staticImports(file).packages.filter((p) => ![...CORE_PACKAGES].some((c) => p === c || p.startsWith(`${c}/`)))
  if (heavy.length > 0)
    fail(`${path.relative(FROM, file)} goes into chunks/core.js, which every command loads, but it imports ${heavy.join(', ')}: import it lazily`)
}

const chunkNames = new Map()
function chunkOf(id) {
  if (shared.has(id)) return 'shared'
  if (core.has(id)) return 'core'
  const name = path.basename(id, '.js')
  const other = chunkNames.get(name)
  if (other && other !== id) fail(`two modules would share the chunk name ${name}: ${path.relative(FROM, other)} and ${path.relative(FROM, id)}`)
  chunkNames.set(name, id)
  return name
}

// tsc's source maps, read with each module so rollup chains them: dist/'s maps point at src/.
const sourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.startsWith(FROM) || !existsSync(`${id}.map`)) return null
    return {code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8')}
  },
}

// Our modules import @oclif/core through this one module, which hands them the @oclif/core the
// process has already loaded when it is of the major we are built for: the host's, when a host
// runs us. Installed with `plugins install`, the plugin has a copy of its own in the data dir
// (npm installs its dependencies there), and loading a second core costs every command start-up
// time (bench/README.md). A process that has loaded none (the library in a plain script) loads
// ours. Only the names our code imports.
const CORE_MAJOR = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@oclif', 'core', 'package.json'), 'utf8')).version.split('.')[0]
const SHARED_CORE = '\0shared-oclif-core'
const sharedCore = {
  name: 'shared-oclif-core',
  resolveId: (id, importer) => (id === '@oclif/core' && importer?.startsWith(FROM) ? SHARED_CORE : null),
  load(id) {
    if (id !== SHARED_CORE) return null
    return `import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const entry = path.join(path.sep, '@oclif', 'core', 'lib', 'index.js')
function loadedCore() {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!file.endsWith(entry) || !loaded?.loaded) continue
    try {
      const {version} = JSON.parse(readFileSync(path.join(file, '..', '..', 'package.json'), 'utf8'))
      if (String(version).split('.')[0] === ${JSON.stringify(CORE_MAJOR)}) return loaded.exports
    } catch {}
  }
  return require('@oclif/core')
}
const core = loadedCore()
export const {Args, Command, Flags, Help} = core
`
  },
}

const bundle = await rollup({
  external: (id) => !id.startsWith('.') && !path.isAbsolute(id) && id !== SHARED_CORE && id !== '@oclif/core',
  plugins: [sharedCore, sourceMaps],
  input: Object.fromEntries(entryFiles.map((f) => [path.relative(FROM, f).slice(0, -'.js'.length), f])),
  onwarn(warning) {
    fail(`rollup: ${warning.message}`)
  },
  preserveEntrySignatures: 'strict',
})
if (existsSync(TO)) for (const file of [...walk(TO, '.js'), ...walk(TO, '.mjs'), ...walk(TO, '.map')]) rmSync(file)
await bundle.write({
  chunkFileNames: 'chunks/[name].js',
  dir: TO,
  entryFileNames: '[name].js',
  format: 'es',
  sourcemap: true,
  sourcemapExcludeSources: true,
  manualChunks: (id) => (id === SHARED_CORE ? 'shared' : id.startsWith(FROM) && !entries.has(id) ? chunkOf(id) : undefined),
})
await bundle.close()

// The completer: one CommonJS file, node: requires only. The core's stores and model are inside it;
// the server lookup (credentials, secret store, control-plane client) is completion/server-values.mjs,
// an ES module of its own, loaded with import() only for project and organization ids: its
// packages (got, keytar, https-proxy-agent) stay behind the dynamic imports the source has.
const SERVER_VALUES = path.join(FROM, 'completion', 'server-values.js')
/**
 * The completer's lazy entries, ES modules of their own: the server lookup, click's protocol (the
 * Python llamactl's scripts), and oclif's Config when the command tree written for TABs is stale.
 */
const LAZY_ENTRIES = new Map(
  [SERVER_VALUES, ...['click-protocol.js', 'load-config.js'].map((f) => path.join(FROM, 'completion', f))].map((file) => [
    file,
    `${path.basename(file, '.js')}.mjs`,
  ]),
)
// Every local module the completer reaches only through import() (the server lookup, the config
// lock its stores load for writes a TAB never makes) is left out of it and loaded, if ever, from
// the server lookup's build below: `server-values.mjs` itself, else its chunk `server-<name>.mjs`.
const lazyTargets = new Map()
const completer = await rollup({
  external: (id) => id.startsWith('node:') || (!id.startsWith('.') && !path.isAbsolute(id)),
  input: path.join(FROM, 'completion', 'complete.js'),
  onwarn(warning) {
    fail(`rollup (completer): ${warning.message}`)
  },
  plugins: [
    sourceMaps,
    {
      name: 'lazy-modules-elsewhere',
      resolveDynamicImport(specifier, importer) {
        if (typeof specifier !== 'string' || !specifier.startsWith('.')) return null
        const target = path.resolve(path.dirname(importer), specifier)
        const file = LAZY_ENTRIES.get(target) ?? `server-${path.basename(target, '.js')}.mjs`
        lazyTargets.set(file, target)
        return {external: true, id: `./${file}`}
      },
    },
  ],
})
const {output} = await completer.write({
  file: path.join(TO, 'completion', 'complete.js'),
  format: 'cjs',
  sourcemap: true,
  sourcemapExcludeSources: true,
})
await completer.close()
const required = [...output[0].code.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]).filter((id) => !id.startsWith('node:'))
if (required.length > 0) fail(`the completer requires ${required.join(', ')}: a TAB must load node: modules only`)

const server = await rollup({
  external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
  input: Object.fromEntries([...LAZY_ENTRIES].map(([file, name]) => [name.replace(/\.mjs$/, ''), file])),
  plugins: [sourceMaps],
  preserveEntrySignatures: 'allow-extension',
  onwarn(warning) {
    fail(`rollup (completer's server lookup): ${warning.message}`)
  },
})
const {output: serverOutput} = await server.write({
  chunkFileNames: 'server-[name].mjs',
  dir: path.join(TO, 'completion'),
  entryFileNames: '[name].mjs',
  format: 'es',
  sourcemap: true,
  sourcemapExcludeSources: true,
})
await server.close()
// What a cached answer loads: the entry and its static imports, none of them a package.
const serverChunks = new Map(serverOutput.filter((c) => c.type === 'chunk').map((c) => [c.fileName, c]))
for (const [file, source] of lazyTargets)
  if (!serverChunks.has(file)) fail(`the completer imports ${path.relative(FROM, source)} lazily as completion/${file}, which the server build did not make`)
for (const todo = [...LAZY_ENTRIES.values()], seen = new Set(); todo.length > 0;) {
  const chunk = serverChunks.get(todo.pop())
  if (!chunk || seen.has(chunk.fileName)) continue
  seen.add(chunk.fileName)
  const packages = chunk.imports.filter((id) => !serverChunks.has(id) && !id.startsWith('node:'))
  if (packages.length > 0) fail(`completion/${chunk.fileName} imports ${packages.join(', ')} statically: a cached TAB must load no package`)
  todo.push(...chunk.imports)
}

writeFileSync(path.join(TO, 'completion', 'package.json'), `${JSON.stringify({type: 'commonjs'}, null, 2)}\n`)
