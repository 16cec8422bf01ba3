import {expect} from 'chai'

import {redactKey} from '../src/redact.js'
import {compareVersions} from '../src/version.js'
import {normalizeApiUrl} from '../src/environment-repository.js'
import {isInteractive} from '../src/interactive.js'

describe('redactKey', () => {
  it('keeps the first 6 and last 4 characters of a long key', () => {
    expect(redactKey('llx-abcdefghijklmnop1234')).to.equal('llx-ab****1234')
  })

  it('keeps only the last 2 of a key of 10 characters or fewer', () => {
    expect(redactKey('abcdefghij')).to.equal('abcdef****ij')
    expect(redactKey('abcdefghijk')).to.equal('abcdef****hijk')
  })
})

describe('compareVersions', () => {
  it('orders numerically, not lexically', () => {
    expect(compareVersions('0.10.0', '0.9.9')).to.equal(1)
    expect(compareVersions('0.3.0', '0.3')).to.equal(0)
    expect(compareVersions('1.0.0-beta.1', '1.0.1')).to.equal(-1)
  })
})

describe('normalizeApiUrl', () => {
  it('removes trailing slashes, query and fragment', () => {
    expect(normalizeApiUrl(' https://api.example.com/ ')).to.equal('https://api.example.com')
    expect(normalizeApiUrl('http://127.0.0.1:8000/base//?x=1#y')).to.equal('http://127.0.0.1:8000/base')
  })

  it('rejects what is not an http(s) URL as a usage error', () => {
    for (const bad of ['not a url', 'ftp://example.com', 'https://user:pw@example.com']) {
      expect(() => normalizeApiUrl(bad), bad).to.throw().with.property('exit', 2)
    }
  })
})

describe('isInteractive', () => {
  const tty = {ci: false, stdinIsTTY: true, stdoutIsTTY: true}
  it('is interactive on two terminals without CI, and the flag overrides', () => {
    expect(isInteractive(undefined, tty)).to.equal(true)
    expect(isInteractive(undefined, {...tty, ci: true})).to.equal(false)
    expect(isInteractive(undefined, {...tty, stdinIsTTY: false})).to.equal(false)
    expect(isInteractive(undefined, {...tty, stdoutIsTTY: false})).to.equal(false)
    expect(isInteractive(false, tty)).to.equal(false)
    expect(isInteractive(true, {ci: true, stdinIsTTY: false, stdoutIsTTY: false})).to.equal(true)
  })
})
