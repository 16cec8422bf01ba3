import {expect} from 'chai'

import {isLoopback, isSecureUrl, normalizeApiUrl} from '../src/api-url.js'

describe('normalizeApiUrl', () => {
  it('removes trailing slashes, query and fragment', () => {
    expect(normalizeApiUrl(' https://api.example.com/ ')).to.equal('https://api.example.com')
    expect(normalizeApiUrl('http://127.0.0.1:8000/base//?x=1#y')).to.equal('http://127.0.0.1:8000/base')
  })

  it('rejects what is not an http(s) URL as a usage error', () => {
    for (const bad of ['not a url', 'ftp://example.com', 'https://user:pw@example.com']) {
      expect(() => normalizeApiUrl(bad), bad)
        .to.throw()
        .with.property('exit', 2)
    }
  })
})

describe('isSecureUrl: https, or plain http to loopback only', () => {
  it('accepts https anywhere and http on 127.0.0.0/8, ::1 and localhost', () => {
    for (const good of ['https://example.com/x', 'http://127.0.0.1:8000', 'http://127.1.2.3', 'http://[::1]:9/', 'http://localhost'])
      expect(isSecureUrl(new URL(good)), good).to.equal(true)
  })

  it('refuses plain http elsewhere and other schemes', () => {
    for (const bad of ['http://example.com', 'http://10.0.0.1', 'http://127.0.0.1.example.com', 'ftp://127.0.0.1', 'file:///etc/passwd'])
      expect(isSecureUrl(new URL(bad)), bad).to.equal(false)
    expect(isLoopback(new URL('http://localhost.example.com'))).to.equal(false)
  })

  it('isLoopback accepts only loopback hosts', () => {
    for (const url of ['http://127.0.0.1:1/', 'http://127.1.2.3/', 'http://localhost/', 'http://[::1]:8080/'])
      expect(isLoopback(new URL(url)), url).to.equal(true)
    for (const url of ['http://10.0.0.1/', 'http://127.0.0.1.example.com/', 'http://localhost.evil.test/', 'http://example.com/'])
      expect(isLoopback(new URL(url)), url).to.equal(false)
  })
})
