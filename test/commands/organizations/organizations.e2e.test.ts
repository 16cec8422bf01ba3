import {Fixture, setUp} from '../../support/fixture.js'
import {listsTheServerSOrganizations} from './organizations.cases.js'

describe('organizations get', () => {
  let f: Fixture
  afterEach(() => f.cleanup())

  it("lists the server's organizations in its order, active the default one, in text, json and yaml", () =>
    listsTheServerSOrganizations(async (options = {}) => (f = await setUp(options))))
})
