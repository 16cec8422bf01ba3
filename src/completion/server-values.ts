import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {normalizeApiUrl} from '../api-url.js'
import {booleanVariable, readVariable} from '../variables.js'
import {type Candidate, type ConfigView, DEFAULT_API_URL, offerable, safeDescription} from './complete.js'

/**
 * Project and organization ids from the control plane, for completion: one GET as the credential
 * in effect (`--profile` on the line, else the LLAMA_* variables, else the current profile), its
 * key read once (keychain, else secrets.json), answers cached briefly (ids and names only). Any
 * failure is an empty list: a TAB must never print an error into the command line.
 */

export interface ServerValuesRequest {
  cacheDir: string
  configDir: string
  env: NodeJS.ProcessEnv
  kind: 'org' | 'project'
  /** How keytar is loaded (tests of a machine without it pass one that fails). */
  loadKeytar?: () => Promise<KeytarLike>
  /** `--org` on the line: projects of that organization. */
  org?: string
  /** `--profile` on the line. */
  profile?: string
  state: ConfigView
  timeoutMs: number
}

type Profile = ConfigView['profiles'][number]

interface KeytarLike {
  getPassword(service: string, account: string): Promise<null | string>
}

/** How long an answer is reused: long enough for the TABs of one command line. */
export const CACHE_TTL_MS = 60_000
export const CACHE_FILE = 'completion-cache.json'
const MAX_CACHE_ENTRIES = 32
const MAX_BODY = 1024 * 1024
const PATHS = {org: '/api/v1beta1/deployments/organizations', project: '/api/v1beta1/deployments/list-projects'} as const

interface Who {
  apiUrl: string
  /** The key from LLAMA_CLOUD_API_KEY; absent for profiles (read from the secret store). */
  envKey?: string
  /** Names the credential in the cache without its secret: `profile:<id>`, `env` or `anonymous`. */
  id: string
  profile?: Profile
}

/**
 * The credential in effect, as CredentialService.find decides it, without reading a secret; the
 * variables read by the same rules (any case, pydantic booleans). A value the CLI would refuse
 * (a bad boolean or base URL) is no credential here: a TAB completes nothing rather than fail.
 */
function locate(req: ServerValuesRequest): undefined | Who {
  try {
    return locateOrThrow(req)
  } catch {
    return undefined
  }
}

function locateOrThrow(req: ServerValuesRequest): undefined | Who {
  const {env, state} = req
  const current = state.environments.find((e) => e.apiUrl === state.currentEnvironment)
  const profiles = state.profiles.filter((p) => p.apiUrl === state.currentEnvironment)
  const asProfile = (profile: Profile | undefined): undefined | Who => profile && {apiUrl: profile.apiUrl, id: `profile:${profile.id}`, profile}
  if (req.profile !== undefined) return asProfile(profiles.find((p) => p.name === req.profile))
  const envKey = readVariable(env, 'LLAMA_CLOUD_API_KEY')?.trim()
  if (envKey && readVariable(env, 'LLAMA_AGENTS_PROJECT_ID')?.trim() && !booleanVariable(env, 'LLAMA_CLOUD_USE_PROFILE')) {
    const baseUrl = readVariable(env, 'LLAMA_CLOUD_BASE_URL')?.trim()
    return {apiUrl: baseUrl ? normalizeApiUrl(baseUrl) : DEFAULT_API_URL, envKey, id: 'env'}
  }

  const profile = profiles.find((p) => p.name === current?.currentProfile)
  if (profile) return asProfile(profile)
  return current && !current.requiresAuth ? {apiUrl: current.apiUrl, id: 'anonymous'} : undefined
}

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

/** keytar as the secret store runs it: in a child process the TAB's bound can abandon (a hung keychain). */
async function defaultLoadKeytar(timeoutMs: number): Promise<KeytarLike> {
  return (await import('../stores/keytar-process.js')).startKeytarProcess({timeoutMs})
}

/** The profile's API key: one keychain read (unless LLAMACTL_SECRET_STORE=file), else secrets.json. */
async function profileKey(req: ServerValuesRequest, profile: Profile): Promise<string | undefined> {
  const account = `profile:${profile.id}`
  let value: null | string = null
  if (req.env.LLAMACTL_SECRET_STORE !== 'file') {
    try {
      value = await (await (req.loadKeytar?.() ?? defaultLoadKeytar(req.timeoutMs))).getPassword('llamactl', account)
    } catch {
      // No keytar, or no keychain: the fallback file below.
    }
  }

  if (value === null) {
    try {
      const file = JSON.parse(readFileSync(path.join(req.configDir, 'secrets.json'), 'utf8')) as {secrets?: Record<string, unknown>}
      const stored = file.secrets?.[account]
      if (typeof stored === 'string') value = stored
    } catch {
      // No fallback file: no key.
    }
  }

  try {
    const apiKey = value === null ? undefined : (JSON.parse(value) as {apiKey?: unknown}).apiKey
    return typeof apiKey === 'string' ? apiKey : undefined
  } catch {
    return undefined
  }
}

/** A key goes only where the CLI would send it: https, or plain http to this machine. */
function keyMaySend(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127(?:\.\d+){3}|\[::1\])$/.test(url.hostname))
}

/** One GET with a bounded body; no redirect is followed (node:http never does). */
async function getJson(url: URL, key: string | undefined, timeoutMs: number): Promise<unknown> {
  const {request} = url.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: {accept: 'application/json', 'user-agent': 'llamactl-completion', ...(key ? {authorization: `Bearer ${key}`} : {})},
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume()
          reject(new Error(`status ${res.statusCode}`))
          return
        }

        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_BODY) req.destroy(new Error('too large'))
          else chunks.push(chunk)
        })
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
          } catch (error) {
            reject(error)
          }
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function candidatesOf(kind: 'org' | 'project', body: unknown): Candidate[] {
  const list = (body as Record<string, unknown> | null)?.[kind === 'org' ? 'organizations' : 'projects']
  if (!Array.isArray(list)) return []
  const [idField, nameField] = kind === 'org' ? ['org_id', 'org_name'] : ['project_id', 'project_name']
  return list
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && offerable(entry[idField]))
    .map((entry) => ({description: safeDescription(entry[nameField]), value: entry[idField] as string}))
}

/** Project or organization ids for completion; [] on any failure. */
export async function serverValues(req: ServerValuesRequest): Promise<Candidate[]> {
  const who = locate(req)
  if (!who) return []
  let url: URL
  try {
    url = new URL(who.apiUrl + PATHS[req.kind] + (req.kind === 'project' && req.org ? `?${new URLSearchParams({org_id: req.org})}` : ''))
  } catch {
    return []
  }

  const cacheFile = path.join(req.cacheDir, CACHE_FILE)
  const cacheKey = JSON.stringify([req.kind, who.apiUrl, who.id, req.kind === 'project' ? (req.org ?? null) : null])
  const hit = readCache(cacheFile).entries[cacheKey]
  if (hit && Array.isArray(hit.values) && Date.now() - hit.at < CACHE_TTL_MS && hit.at <= Date.now()) return hit.values

  const key = who.envKey ?? (who.profile && who.profile.authType !== 'none' ? await profileKey(req, who.profile) : undefined)
  if (who.profile && who.profile.authType !== 'none' && !key) return []
  if (key && (!keyMaySend(url) || !/^[\u0021-\u007E]+$/.test(key))) return []
  try {
    const values = candidatesOf(req.kind, await getJson(url, key, req.timeoutMs))
    writeCache(cacheFile, cacheKey, values)
    return values
  } catch {
    return []
  }
}
