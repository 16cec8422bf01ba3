import {OutputCommand} from '../../output-command.js'
import {type Column, outputFlag, renderTable} from '../../ui/output.js'
import {organizationView, type OrganizationView, yesNo} from '../../ui/views.js'

const COLUMNS: Column<OrganizationView>[] = [
  {cell: (o) => o.org_name, title: 'NAME'},
  {cell: (o) => o.org_id, title: 'ORG_ID'},
  {cell: (o) => yesNo(o.is_default), title: 'DEFAULT'},
  {cell: (o) => yesNo(o.active), title: 'ACTIVE'},
]

export default class OrganizationsGet extends OutputCommand<OrganizationView[]> {
  static override summary = 'List the organizations of the current profile'
  static override description =
    'Asks the server which organizations the current profile can use, ' +
    "in the server's order. active marks the default one (the one lists to pick projects from are scoped to). " +
    'A server without organizations prints a warning (-o json/yaml: an empty list). ' +
    '-o json/yaml print each as {org_id, org_name, is_default, active}; --json is -o json.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -o json']
  static override flags = {output: outputFlag}

  async run(): Promise<OrganizationView[]> {
    const {flags} = await this.parse(OrganizationsGet)
    const env = await this.services.environmentStore.current()
    const orgs = await (await this.services.projectService()).organizations(env)
    const text = flags.output === 'text' || flags.output === 'wide'
    if (orgs === null && text) this.warn('this server does not support organizations')
    else if (orgs?.length === 0 && text) this.say('no organizations found')
    const defaultId = orgs?.find((o) => o.isDefault)?.orgId
    const views = (orgs ?? []).map((o) => organizationView(o, o.orgId === defaultId))
    return this.print(flags.output, views, (wide) => (views.length > 0 ? renderTable(views, COLUMNS, wide) : undefined))
  }
}
