import {CliError, UsageError} from '../errors.js'
import {pickProject} from '../ui/pickers.js'
import type {ControlPlaneClient} from '../net/control-plane-client.js'
import type {EnvironmentStore} from '../stores/environment-store.js'
import type {ProfileStore} from '../stores/profile-store.js'
import {OrganizationScope} from './organizations.js'
import type {ProfileService} from './profile-service.js'
import type {Prompter} from '../ui/prompter.js'
import type {EnvironmentRecord, Organization, ProfileRecord, Project} from '../model.js'

/** Name of the key-less profile created in environments that don't require auth. */
export const NO_AUTH_PROFILE = 'default'

export interface ProjectServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  /** Where capabilities learned by a late probe are kept (optional). */
  environments?: EnvironmentStore
  profiles: ProfileStore
  profileService: ProfileService
  /** Warnings about what a server answers (organizations advertised but missing). */
  warn?: (message: string) => void
}

/** The projects and organizations a profile can use, and changing its active project. */
export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {}

  /**
   * Sets the project of profile `options.profile` (`--profile`), else of the current profile:
   * `requested`, or one chosen interactively from the server's list. Auth-requiring environments
   * accept only listed projects; others accept any id and get a key-less profile when none is current.
   * A requested id is looked up in every organization (or `org`'s); the choices offered are the
   * default organization's (or `org`'s) on servers with organizations.
   */
  async setProject(
    env: EnvironmentRecord,
    requested: string | undefined,
    options: {interactive: boolean; org?: string; profile?: string; prompter: () => Promise<Prompter>},
  ): Promise<ProfileRecord> {
    const current = options.profile === undefined ? await this.deps.profiles.current(env.apiUrl) : await this.deps.profiles.get(env.apiUrl, options.profile)
    if (!current && env.requiresAuth) throw noCurrentProfile(env)

    // Without auth a given id needs no server round trip.
    const needList = env.requiresAuth || requested === undefined
    const projects = needList ? await this.projects(env, current, {org: options.org, pick: requested === undefined}) : []
    const projectId = await pickProject(projects, {
      allowUnlisted: !env.requiresAuth,
      flag: 'PROJECT_ID argument',
      interactive: options.interactive,
      prompter: options.prompter,
      requested,
      takeSingle: false,
    })
    if (!projectId) throw new UsageError('The project ID is empty', 'Give a project ID')
    if (current) return this.deps.profiles.setProject(env.apiUrl, current.name, projectId)
    return this.keylessProfile(env, projectId)
  }

  /** A key-less profile for an environment without auth: the existing `default` one, or a new one under a free name. */
  private async keylessProfile(env: EnvironmentRecord, projectId: string): Promise<ProfileRecord> {
    const profiles = await this.deps.profiles.list(env.apiUrl)
    const existing = profiles.find((p) => p.name === NO_AUTH_PROFILE)
    if (existing?.authType === 'none') {
      await this.deps.profiles.setCurrent(env.apiUrl, existing.name)
      return this.deps.profiles.setProject(env.apiUrl, existing.name, projectId)
    }

    const names = new Set(profiles.map((p) => p.name))
    let name = NO_AUTH_PROFILE
    for (let n = 2; names.has(name); n++) name = `${NO_AUTH_PROFILE}-${n}`
    const {profile} = await this.deps.profileService.create({apiUrl: env.apiUrl, authType: 'none', name, projectId}, null)
    return profile
  }

  /**
   * The projects the current profile can use (`projects get`): `org`'s, else to look a named one
   * up (`find`) every organization's, else the default organization's. Environments without auth
   * are asked without a credential when no profile is current.
   */
  async list(env: EnvironmentRecord, options: {find?: boolean; org?: string}): Promise<{profile: null | ProfileRecord; projects: Project[]}> {
    const profile = await this.deps.profiles.current(env.apiUrl)
    if (!profile && env.requiresAuth) throw noCurrentProfile(env)
    return {profile, projects: await this.projects(env, profile, {org: options.org, pick: !options.find})}
  }

  /** The organizations the current profile can use, in the server's order; null when the server has none. */
  async organizations(env: EnvironmentRecord): Promise<null | Organization[]> {
    const profile = await this.deps.profiles.current(env.apiUrl)
    return this.scope(env).list(await this.auth(profile))
  }

  /** A project's name as the server lists it for `profile`; null when it can't be asked or doesn't list it. */
  async projectName(env: EnvironmentRecord, profile: ProfileRecord, projectId: string): Promise<null | string> {
    try {
      const projects = await this.projects(env, profile, {pick: false})
      const project = projects.find((p) => p.projectId === projectId)
      return project ? (project.projectName ?? project.projectId) : null
    } catch {
      return null
    }
  }

  private async auth(profile: null | ProfileRecord) {
    return profile && profile.authType !== 'none' ? (await this.deps.profileService.credential(profile)).bearer() : undefined
  }

  private async projects(env: EnvironmentRecord, profile: null | ProfileRecord, options: {org?: string; pick: boolean}): Promise<Project[]> {
    const auth = await this.auth(profile)
    const scope = this.scope(env)
    return options.pick ? scope.projectsToPick(auth, options.org) : scope.projectsToFind(auth, options.org)
  }

  private scope(env: EnvironmentRecord): OrganizationScope {
    const {environments} = this.deps
    const remember = environments && ((capabilities: string[]) => environments.setCapabilities(env.apiUrl, capabilities))
    return new OrganizationScope(this.deps.client(env.apiUrl), env, remember, this.deps.warn)
  }
}

function noCurrentProfile(env: EnvironmentRecord): CliError {
  return new CliError(`No profile is current in ${env.apiUrl}`, {
    code: 'no_current_profile',
    suggestion: 'Log in with `llamactl auth login` or `llamactl auth token`, or pick one with `llamactl auth switch`',
  })
}
