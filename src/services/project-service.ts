import {CliError, UsageError} from '../errors.js'
import {pickProject} from '../ui/pickers.js'
import type {ControlPlaneClient} from '../net/control-plane-client.js'
import type {ProfileStore} from '../stores/profile-store.js'
import type {ProfileService} from './profile-service.js'
import type {Prompter} from '../ui/prompter.js'
import type {EnvironmentRecord, ProfileRecord, Project} from '../model.js'

/** Name of the key-less profile created in environments that don't require auth. */
export const NO_AUTH_PROFILE = 'default'

export interface ProjectServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  profiles: ProfileStore
  profileService: ProfileService
}

/** Changing the current profile's active project. */
export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {}

  /**
   * Sets the project of profile `options.profile` (`--profile`), else of the current profile:
   * `requested`, or one chosen interactively from the server's list. Auth-requiring environments
   * accept only listed projects; others accept any id and get a key-less profile when none is current.
   */
  async setProject(
    env: EnvironmentRecord,
    requested: string | undefined,
    options: {interactive: boolean; profile?: string; prompter: () => Promise<Prompter>},
  ): Promise<ProfileRecord> {
    const current = options.profile === undefined ? await this.deps.profiles.current(env.apiUrl) : await this.deps.profiles.get(env.apiUrl, options.profile)
    if (!current && env.requiresAuth)
      throw new CliError(`No profile is current in ${env.apiUrl}`, {
        code: 'no_current_profile',
        suggestion: 'Log in with `llamactl auth login` or `llamactl auth token`, or pick one with `llamactl auth switch`',
      })

    // Without auth a given id needs no server round trip.
    const needList = env.requiresAuth || requested === undefined
    const projects = needList ? await this.projects(env, current) : []
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

  private async projects(env: EnvironmentRecord, profile: null | ProfileRecord): Promise<Project[]> {
    const auth = profile && profile.authType !== 'none' ? (await this.deps.profileService.credential(profile)).bearer() : undefined
    return this.deps.client(env.apiUrl).listProjects(auth)
  }
}
