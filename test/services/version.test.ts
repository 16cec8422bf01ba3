import {expect} from 'chai'

import {compareVersions} from '../../src/services/version.js'

describe('compareVersions', () => {
  it('orders numerically, not lexically', () => {
    expect(compareVersions('0.10.0', '0.9.9')).to.equal(1)
    expect(compareVersions('0.3.0', '0.3')).to.equal(0)
    expect(compareVersions('1.0.0-beta.1', '1.0.1')).to.equal(-1)
  })
})
