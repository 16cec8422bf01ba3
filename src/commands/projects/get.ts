import {Args, Flags} from '@oclif/core'

import {CliError} from '../../errors.js'
import {OutputCommand, oneOrAll} from '../../output-command.js'
import {type Column, outputFlag, renderTable} from '../../ui/output.js'
import {projectView, type ProjectView, yesNo} from '../../ui/views.js'

type Row = ProjectView & {org: string}

const COLUMNS: Column<Row>[] = [
  {cell: (p) => p.project_name, title: 'NAME'},
  {cell: (p) => p.project_id, title: 'PROJECT_ID'},
  {cell: (p) => String(p.deployment_count), title: 'DEPLOYMENTS'},
  {cell: (p) => yesNo(p.active), title: 'ACTIVE'},
  {cell: (p) => p.org, title: 'ORG_ID', wide: true},
]

export default class ProjectsGet extends OutputCommand<ProjectView | ProjectView[]> {
  static override summary = "List the current profile's projects, or show one"
  static override description =
    "Asks the server which projects the current profile can use, in the server's order. " +
    "On a server with organizations the list is the default organization's unless --org names another; " +
    "a PROJECT_ID is looked up in every organization (or --org's), exit 1 when there is none. " +
    "-o json/yaml print each as {project_id, project_name, deployment_count, active} (active: the profile's project); " +
    '--json is -o json; -o wide adds the organization.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --org acme -o json',
    '<%= config.bin %> <%= command.id %> p1 -o yaml',
  ]
  static override args = {project_id: Args.string({description: 'Project ID'})}
  static override flags = {
    org: Flags.string({description: 'Organization ID to scope projects to (see `organizations get`)'}),
    output: outputFlag,
  }

  async run(): Promise<ProjectView | ProjectView[]> {
    const {args, flags} = await this.parse(ProjectsGet)
    const env = await this.services.environmentStore.current()
    const projectService = await this.services.projectService()
    const id = args.project_id
    const listed = await projectService.list(env, {find: id !== undefined, org: flags.org})
    const {profile} = listed
    // In the server's order, as Python prints it.
    const projects = oneOrAll(
      listed.projects,
      id,
      (p) => p.projectId,
      () => new CliError(`Project ${id} not found`, {code: 'unknown_project', suggestion: 'See `llamactl projects get`'}),
    )

    if (projects.length === 0 && flags.output === 'text') this.say('no projects found')
    const rows: Row[] = projects.map((p) => ({...projectView(p, p.projectId === profile?.projectId), org: p.orgId}))
    const views = rows.map(({org: _, ...view}) => view)
    return this.print(flags.output, id === undefined ? views : views[0], (wide) => (rows.length > 0 ? renderTable(rows, COLUMNS, wide) : undefined))
  }
}
