import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {isSecureUrl} from '../api-url.js'
import {projectIdText} from '../model.js'
import {ControlPlaneClient} from '../net/control-plane-client.js'
import {CredentialService} from '../services/credentials.js'
import {EnvironmentStore} from '../stores/environment-store.js'
import {ProfileStore} from '../stores/profile-store.js'
import {SecretStore, type SecretStoreOptions, secretStoreMode} from '../stores/secret-store.js'
import {StateStore} from '../stores/state-store.js'
import {type Candidate, offerable, safeDescription} from './candidates.js'

/**
 * Project and organization ids from the control plane, for completion, by the commands' own rules:
 * the credential in effect as CredentialService decides it (`--profile` on the line, else the
 * LLAMA_* variables, else the current profile), its key read once from the secret store, the
 * request sent by ControlPlaneClient on the one HTTP stack (proxies, LLAMACTL_NATIVE_TLS, no
 * redirects, bounded bodies) and its answer checked as a command checks it. Answers are cached
 * briefly (ids and names only). Any failure is an empty list: a TAB never prints an error.
 */

export interface ServerValuesRequest {
  cacheDir: string
  configDir: string
  env: NodeJS.ProcessEnv
  kind: 'org' | 'project'
  /** How keytar is loaded (tests of a machine without it pass one that fails). */
  loadKeytar?: SecretStoreOptions['loadKeytar']
  /** `--org` on the line: projects of that organization. */
  org?: string
  /** `--profile` on the line. */
  profile?: string
  timeoutMs: number
}

/** How long an answer is reused: long enough for the TABs of one command line. */
export const CACHE_TTL_MS = 60_000
export const CACHE_FILE = 'completion-cache.json'
const MAX_CACHE_ENTRIES = 32

interface CacheDocument {
  entries: Record<string, {at: number; values: Candidate[]}>
}

function readCache(file: string): CacheDocument {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as CacheDocument
    if (typeof doc?.entries === 'object' && doc.entries !== null) return doc
  } catch {
    // No cache yet, or a damaged one: start afresh.
  }

  return {entries: {}}
}

/** Saves an answer: private file, atomic rename, the oldest entries dropped. Best effort. */
function writeCache(file: string, key: string, values: Candidate[]): void {
  try {
    const doc = readCache(file)
    doc.entries[key] = {at: Date.now(), values}
    const keep = Object.entries(doc.entries)
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_CACHE_ENTRIES)
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify({entries: Object.fromEntries(keep)}), {mode: 0o600})
    renameSync(temp, file)
  } catch {
    // A cache that can't be written only costs the next TAB a request.
  }
}

/** Project or organization ids for completion; [] on any failure. */
export async function serverValues(req: ServerValuesRequest): Promise<Candidate[]> {
  try {
    return await lookUp(req)
  } catch {
    return []
  }
}

async function lookUp(req: ServerValuesRequest): Promise<Candidate[]> {
  const quiet = () => {}
  const state = new StateStore(req.configDir)
  const environments = new EnvironmentStore(state)
  const secrets = new SecretStore({
    dir: req.configDir,
    loadKeytar: req.loadKeytar,
    mode: secretStoreMode(req.env.LLAMACTL_SECRET_STORE),
    timeoutMs: req.timeoutMs,
    warn: quiet,
  })
  const client = (apiUrl: string) => new ControlPlaneClient(apiUrl, {env: req.env, timeoutMs: req.timeoutMs, userAgent: 'llamactl-completion'})
  const credentials = new CredentialService({
    client,
    env: req.env,
    environments,
    profiles: new ProfileStore(state),
    // No login session: a TAB never refreshes one (a refresh cut short by the TAB's bound could lose a rotated token).
    secrets: async () => ({secrets}),
    warn: quiet,
    warned: new Set(),
  })

  const location = await credentials.locationInEffect({profile: req.profile})
  const current = await environments.current()
  // An environment without auth lists its projects to anyone, as `projects get` does there.
  if (!location && current?.requiresAuth !== false) return []
  const apiUrl = location?.apiUrl ?? current.apiUrl
  const who = location ? (location.profile ? `profile:${location.profile.id}` : location.source) : 'anonymous'

  const cacheFile = path.join(req.cacheDir, CACHE_FILE)
  const cacheKey = JSON.stringify([req.kind, apiUrl, who, req.kind === 'project' ? (req.org ?? null) : null])
  const hit = readCache(cacheFile).entries[cacheKey]
  if (hit && Array.isArray(hit.values) && Date.now() - hit.at < CACHE_TTL_MS && hit.at <= Date.now()) return hit.values

  const credential = location ? await credentials.credentialAt(location) : undefined
  const auth = credential?.bearer()
  // A command warns before it sends a key over plain http to another machine; a TAB can't, so it doesn't send it.
  if (auth && !isSecureUrl(new URL(apiUrl))) return []
  if (auth && credential) await credential.requireKey()

  const api = client(apiUrl)
  const values =
    req.kind === 'org'
      ? ((await api.listOrganizations(auth)) ?? []).map((o) => ({description: safeDescription(o.orgName), value: o.orgId}))
      : (await api.listProjects(auth, req.org)).map((p) => ({description: safeDescription(p.projectName ?? undefined), value: p.projectId}))
  const offered = values.filter((c) => offerable(c.value) && (req.kind === 'org' || projectIdText(c.value)))
  writeCache(cacheFile, cacheKey, offered)
  return offered
}
