import {expect} from 'chai'

import {redactKey} from '../../src/ui/redact.js'

describe('redactKey', () => {
  it('keeps the first 6 and last 4 characters of a long key', () => {
    expect(redactKey('llx-abcdefghijklmnop1234')).to.equal('llx-ab****1234')
  })

  it('keeps only the last 2 of a key of 10 characters or fewer', () => {
    expect(redactKey('abcdefghij')).to.equal('abcdef****ij')
    expect(redactKey('abcdefghijk')).to.equal('abcdef****hijk')
  })
})
