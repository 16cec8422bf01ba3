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
    /** Keeps the capabilities a probe found when they differ from the stored ones. */
    private readonly remember?: (capabilities: string[]) => Promise<void>,
    /** Says that a server advertising organizations has no /organizations. */
    private readonly warn?: (message: string) => void,
  ) {}

  /**
   * Whether the server has organizations: its stored capabilities, unless there are none (an
   * environment stored before they were kept, or a server that advertised nothing then): those
   * are asked again each time, as the Python llamactl's probe does (`if not env.capabilities:
   * auto_update_env`), so a server that gains organizations is seen without `environments use`;
   * what the answer changed is stored. A failed probe: no.
   */
  async supported(): Promise<boolean> {
    const stored = this.env.capabilities
    if (stored !== undefined && stored.length > 0) return stored.includes(ORGANIZATIONS)
    let capabilities: string[]
    try {
      capabilities = (await this.client.probeVersion()).capabilities
    } catch {
      return false
    }

    if (stored === undefined || capabilities.length > 0) await this.remember?.(capabilities).catch(() => {})
    return capabilities.includes(ORGANIZATIONS)
  }

  /**
   * The organizations `auth` may use in the server's order; null when the server has none. A
   * server that advertises them but answers 404 on /organizations gets a warning saying so, and
   * is then treated as having none.
   */
  async list(auth: Auth | undefined): Promise<null | Organization[]> {
    if (!(await this.supported())) return null
    const orgs = await this.client.listOrganizations(auth)
    if (orgs === null)
      this.warn?.(
        `${this.env.apiUrl} advertises organizations but answered 404 on /organizations, so they are left out. Check the environment URL, or re-probe it with \`llamactl environments use ${this.env.apiUrl}\``,
      )
    return orgs
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
