import {Fixture, setUp} from '../../support/fixture.js'
import {listsTheServersOrganizations} from './organizations.cases.js'

describe('organizations get', () => {
  let f: Fixture
  afterEach(() => f.cleanup())

  it("lists the server's organizations in its order, active the default one, in text, json and yaml", () =>
    listsTheServersOrganizations(async (options = {}) => (f = await setUp(options))))
})
