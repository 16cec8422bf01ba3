import {Fixture, setUp} from '../support/fixture.js'
import {showsEnvironmentProfileAndProject} from './config.cases.js'

describe('config', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('shows environment, profile and project (with its name from the server) in text, json and yaml', () => showsEnvironmentProfileAndProject(f))
})
