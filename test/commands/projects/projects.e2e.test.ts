import {TWO_ORGANIZATIONS} from '../../support/control-plane-server.js'
import {Fixture, setUp} from '../../support/fixture.js'
import {projectOutsideTheDefaultOrganization, getListsTheDefaultOrganizationsProjects, withOrganizationProjects} from './projects.cases.js'

/** `projects get|use` on a server with two organizations, p3 outside the default one (acme). */
describe('projects, with organizations', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({organizations: TWO_ORGANIZATIONS})
    await withOrganizationProjects(f)
  })
  afterEach(() => f.cleanup())

  it("get lists the default organization's projects in text, json and yaml; another's only with --org", () => getListsTheDefaultOrganizationsProjects(f))

  it('a PROJECT_ID outside the default organization is found by get and use (every organization is asked)', () => projectOutsideTheDefaultOrganization(f))
})
