import type {Auth, ControlPlaneClient, Organization, Project} from '../net/control-plane-client.js'
import type {EnvironmentRecord} from '../stores/schema.js'

/** The capability a server's version document lists when it has organizations (llamactl-0.10.md). */
export const ORGANIZATIONS = 'organizations'

/**
 * Organizations and the project lists they scope, for one environment. Projects to *pick from*
 * are the default organization's (`is_default`, else the first) when the server has
 * organizations, unless one is named; a project *named* on the command line is looked up across
 * every organization. A server without the capability, or answering 404 on `/organizations`,
 * gets exactly the requests it got before organizations existed.
 */
export class OrganizationScope {
  constructor(
    private readonly client: ControlPlaneClient,
    private readonly env: EnvironmentRecord,
    /** Keeps capabilities learned by probing an environment stored before they were recorded. */
    private readonly remember?: (capabilities: string[]) => Promise<void>,
  ) {}

  /** Whether the server has organizations: its stored capabilities, else its version document now (a failed probe: no). */
  async supported(): Promise<boolean> {
    let {capabilities} = this.env
    if (capabilities === undefined) {
      try {
        capabilities = (await this.client.probeVersion()).capabilities
      } catch {
        return false
      }

      await this.remember?.(capabilities).catch(() => {})
    }

    return capabilities.includes(ORGANIZATIONS)
  }

  /** The organizations `auth` may use in the server's order; null when the server has none. */
  async list(auth: Auth | undefined): Promise<null | Organization[]> {
    if (!(await this.supported())) return null
    return this.client.listOrganizations(auth)
  }

  /** The default organization (`is_default`, else the first), or null. */
  async default(auth: Auth | undefined): Promise<null | Organization> {
    const orgs = await this.list(auth)
    if (!orgs || orgs.length === 0) return null
    return orgs.find((o) => o.isDefault) ?? orgs[0]
  }

  /** Projects to choose from: `orgId`'s, else the default organization's, else (no organizations) every one. */
  async projectsToPick(auth: Auth | undefined, orgId?: string): Promise<Project[]> {
    return this.client.listProjects(auth, orgId ?? (await this.default(auth))?.orgId)
  }

  /** Projects to find a named one in: `orgId`'s, else every organization's. */
  async projectsToFind(auth: Auth | undefined, orgId?: string): Promise<Project[]> {
    return this.client.listProjects(auth, orgId)
  }
}
