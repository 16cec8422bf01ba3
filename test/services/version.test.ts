import {expect} from 'chai'

import {compareVersions, llamactlVersion} from '../../src/services/version.js'

describe('compareVersions', () => {
  it('orders numerically, not lexically', () => {
    expect(compareVersions('0.10.0', '0.9.9')).to.equal(1)
    expect(compareVersions('0.3.0', '0.3')).to.equal(0)
    expect(compareVersions('1.0.0-beta.1', '1.0.1')).to.equal(-1)
  })

  it("orders PEP 440 pre-, post- and dev releases as Python's packaging.version does", () => {
    // Each expectation is what Python's packaging answered: (Version(a) > Version(b)) - (Version(a) < Version(b)).
    const cases: Array<[string, string, number]> = [
      ['0.3.0a13', '0.3.0', -1],
      ['0.3.0a13', '0.3.0a2', 1],
      ['0.3.0rc1', '0.3.0b9', 1],
      ['1.0.dev0', '1.0a0', -1],
      ['1.0.post1', '1.0', 1],
      ['1.0.post1.dev1', '1.0.post1', -1],
      ['1.0-1', '1.0', 1],
      ['1!0.1', '2.0', 1],
      ['0.10.3', '0.3.0a13', 1],
      ['1.0', '1.0.0', 0],
      ['1.0c1', '1.0rc1', 0],
      ['1.0a1.dev1', '1.0a1', -1],
      ['v1.2', '1.2', 0],
    ]
    for (const [a, b, expected] of cases) {
      expect(compareVersions(a, b), `${a} vs ${b}`).to.equal(expected)
      expect(compareVersions(b, a), `${b} vs ${a}`).to.equal(-expected)
    }
  })

  it('takes a semver pre-release PEP 440 has no word for as below every pre-release of the same version', () => {
    expect(compareVersions('0.3.0-next.1', '0.3.0a1')).to.equal(-1)
    expect(compareVersions('0.3.0-next.1', '0.3.0')).to.equal(-1)
    expect(compareVersions('0.3.1-next.1', '0.3.0')).to.equal(1)
  })
})

describe('llamactlVersion', () => {
  it("is the implemented llamactl release on its own, the host's version in a host, never the plugin's package version", () => {
    expect(llamactlVersion({pjson: {llamactl: {implements: '0.10.3'}}, version: '0.1.0'})).to.equal('0.10.3')
    expect(llamactlVersion({pjson: {}, version: '1.4.0'})).to.equal('1.4.0')
  })
})
