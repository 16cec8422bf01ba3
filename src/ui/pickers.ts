import {CliError} from '../errors.js'
import {missing} from './interactive.js'
import type {Prompter} from './prompter.js'
import {visible} from './terminal-text.js'
import {DEFAULT_API_URL, type EnvironmentRecord, type ProfileRecord, type Project} from '../model.js'

export interface PickProjectOptions {
  /** Environments without auth accept any project id, listed or not. */
  allowUnlisted: boolean
  /** The flag that names a project non-interactively, for error messages (e.g. `--project-id`). */
  flag: string
  interactive: boolean
  /** A single project is taken without asking (auth-requiring environments). */
  takeSingle: boolean
  prompter: () => Promise<Prompter>
  /** What the user passed, if anything. */
  requested?: string
}

const ENTER_ID = Symbol('enter-id')

/** A project as a prompt choice: names and ids come from the server, so control characters are made visible (for any Prompter). */
export function projectLabel(p: Project): string {
  const name = p.projectName ?? p.projectId
  const count = `${p.deploymentCount} deployment${p.deploymentCount === 1 ? '' : 's'}`
  return visible(name === p.projectId ? `${p.projectId} (${count})` : `${name} — ${p.projectId} (${count})`)
}

function listing(projects: Project[]): string {
  return projects.map((p) => p.projectId).join(', ')
}

/** Chooses a project: the requested one (checked against the list), the only one, or a prompt. */
export async function pickProject(projects: Project[], options: PickProjectOptions): Promise<string> {
  if (options.requested !== undefined) {
    const id = options.requested.trim()
    if (options.allowUnlisted || projects.some((p) => p.projectId === id)) return id
    throw new CliError(`Project ${id} is not one this account can use`, {
      code: 'unknown_project',
      suggestion: projects.length > 0 ? `Available: ${listing(projects)}` : 'The account has no projects; create one on the web first',
    })
  }

  if (projects.length === 0 && !options.allowUnlisted)
    throw new CliError('This account has no projects yet', {
      code: 'no_projects',
      suggestion: 'Create a project in the web console first, then run this again',
    })
  if (projects.length === 1 && options.takeSingle) return projects[0].projectId
  if (!options.interactive) throw missing(options.flag, projects.length > 0 ? `Pass ${options.flag} with one of: ${listing(projects)}` : `Pass ${options.flag}`)

  const prompter = await options.prompter()
  if (projects.length === 0) return (await prompter.input('Project ID')).trim()
  const choices: {label: string; value: string | typeof ENTER_ID}[] = projects.map((p) => ({label: projectLabel(p), value: p.projectId}))
  if (options.allowUnlisted) choices.push({label: 'Enter a project ID…', value: ENTER_ID})
  const picked = await prompter.select('Choose a project', choices)
  return picked === ENTER_ID ? (await prompter.input('Project ID')).trim() : picked
}

export interface PickOptions {
  interactive: boolean
  /** The prompt's question. */
  message: string
  prompter: () => Promise<Prompter>
  /** What the user passed as the argument, if anything: taken as is. */
  requested?: string
}

/**
 * A profile NAME: the argument, or (interactive runs) one picked from the environment's
 * profiles, the current one preselected.
 */
export async function pickProfile(profiles: ProfileRecord[], env: EnvironmentRecord, options: PickOptions): Promise<string> {
  if (options.requested !== undefined) return options.requested
  if (!options.interactive) throw missing('NAME argument', 'Pass a profile name; see `llamactl auth list`')
  if (profiles.length === 0)
    throw new CliError(`No profiles in ${env.apiUrl}`, {code: 'no_profiles', suggestion: 'Create one with `llamactl auth token` or `llamactl auth login`'})
  const prompter = await options.prompter()
  return prompter.select(
    options.message,
    profiles.map((p) => ({label: visible(`${p.name} (${p.projectId ?? 'no project'})`), value: p.name})),
    {
      initial: Math.max(
        0,
        profiles.findIndex((p) => p.name === env.currentProfile),
      ),
    },
  )
}

/**
 * An environment's API_URL: the argument, or (interactive runs) one picked from `environments`,
 * `current` preselected. `hint` says what to pass in a non-interactive run.
 */
export async function pickEnvironment(environments: EnvironmentRecord[], options: PickOptions & {current?: string; hint: string}): Promise<string> {
  if (options.requested !== undefined) return options.requested
  if (!options.interactive) throw missing('API_URL argument', options.hint)
  const prompter = await options.prompter()
  return prompter.select(
    options.message,
    environments.map((env) => ({label: visible(env.apiUrl), value: env.apiUrl})),
    {
      initial: Math.max(
        0,
        environments.findIndex((env) => env.apiUrl === options.current),
      ),
    },
  )
}

/**
 * An environment to delete (`auth env delete`, `environments delete`): like pickEnvironment, from
 * the environments that may be deleted (all but the default). With none of those to pick from, a
 * one-line error rather than an empty menu.
 */
export async function pickEnvironmentToDelete(environments: EnvironmentRecord[], options: PickOptions & {current?: string; hint: string}): Promise<string> {
  const deletable = environments.filter((env) => env.apiUrl !== DEFAULT_API_URL)
  if (options.requested === undefined && options.interactive && deletable.length === 0)
    throw new CliError('There is no environment to delete', {
      code: 'no_environments',
      suggestion: `Only the default, ${DEFAULT_API_URL}, is known, and it stays`,
    })
  return pickEnvironment(deletable, options)
}

/**
 * The project of a new credential (`auth token`, `auth login`): `--project-id`, else chosen. Where
 * the environment requires auth the id must be in the account's list and a single project is
 * taken without asking; without auth any id goes, as in `auth project` (such a server lists
 * only projects that already have a deployment).
 */
export function pickCredentialProject(
  projects: Project[],
  options: {interactive: boolean; projectId?: string; prompter: () => Promise<Prompter>},
  requiresAuth: boolean,
): Promise<string> {
  return pickProject(projects, {
    allowUnlisted: !requiresAuth,
    flag: '--project-id',
    interactive: options.interactive,
    prompter: options.prompter,
    requested: options.projectId,
    takeSingle: requiresAuth,
  })
}
