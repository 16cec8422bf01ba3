import {expect} from 'chai'

import {bypassesProxy, proxyFor} from '../../src/net/proxy.js'
import {UsageError} from '../../src/errors.js'

const u = (s: string) => new URL(s)
const chosen = (url: string, env: NodeJS.ProcessEnv) => {
  const choice = proxyFor(u(url), env)
  return choice && {url: choice.url.href, variable: choice.variable}
}

describe('proxy settings from the environment', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, in either case (lower case first), else ALL_PROXY', () => {
    expect(chosen('https://api.example.com/x', {HTTPS_PROXY: 'http://p:3128'})).to.deep.equal({url: 'http://p:3128/', variable: 'HTTPS_PROXY'})
    expect(chosen('https://api.example.com/x', {HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1'})).to.deep.equal({
      url: 'http://lower:1/',
      variable: 'https_proxy',
    })
    expect(chosen('http://api.example.com/x', {HTTPS_PROXY: 'http://p:3128'})).to.equal(undefined)
    expect(chosen('http://api.example.com/x', {http_proxy: 'http://p:8080'})).to.deep.equal({url: 'http://p:8080/', variable: 'http_proxy'})
    expect(chosen('https://api.example.com/x', {ALL_PROXY: 'http://all:1'})).to.deep.equal({url: 'http://all:1/', variable: 'ALL_PROXY'})
    expect(chosen('https://api.example.com/x', {HTTPS_PROXY: '', all_proxy: 'http://all:1'})).to.deep.equal({url: 'http://all:1/', variable: 'all_proxy'})
    expect(chosen('https://api.example.com/x', {})).to.equal(undefined)
  })

  it('takes a proxy without a scheme as http://, and an https:// proxy as it is', () => {
    expect(chosen('https://a.example/', {HTTPS_PROXY: 'proxy.corp:3128'})?.url).to.equal('http://proxy.corp:3128/')
    expect(chosen('https://a.example/', {HTTPS_PROXY: 'https://proxy.corp'})?.url).to.equal('https://proxy.corp/')
  })

  it('refuses a socks or malformed proxy as a usage error that never prints its credentials', () => {
    for (const value of ['socks5://user:secret@127.0.0.1:1080', 'http://user:secret@[bad']) {
      let error: unknown
      try {
        proxyFor(u('https://a.example/'), {ALL_PROXY: value})
      } catch (error_) {
        error = error_
      }

      expect(error, value).to.be.instanceOf(UsageError)
      expect((error as UsageError).line)
        .to.include('ALL_PROXY')
        .and.not.include('secret')
    }
  })

  it('NO_PROXY: a domain covers its subdomains (leading . or *. alike), * covers all, ports must match', () => {
    expect(bypassesProxy(u('https://example.com/'), 'example.com')).to.equal(true)
    expect(bypassesProxy(u('https://api.example.com/'), 'example.com')).to.equal(true)
    expect(bypassesProxy(u('https://api.example.com/'), '.example.com')).to.equal(true)
    expect(bypassesProxy(u('https://api.example.com/'), '*.example.com')).to.equal(true)
    expect(bypassesProxy(u('https://notexample.com/'), 'example.com')).to.equal(false)
    expect(bypassesProxy(u('https://anything/'), 'other, *')).to.equal(true)
    expect(bypassesProxy(u('https://api.example.com/'), 'api.example.com:443')).to.equal(true)
    expect(bypassesProxy(u('https://api.example.com:8443/'), 'api.example.com:443')).to.equal(false)
    expect(bypassesProxy(u('https://API.Example.com/'), 'api.EXAMPLE.com')).to.equal(true)
  })

  it('NO_PROXY: IP addresses, IPv6 in brackets or not, and CIDR ranges; loopback is not exempt unless listed', () => {
    expect(bypassesProxy(u('http://127.0.0.1:8080/'), '127.0.0.1')).to.equal(true)
    expect(bypassesProxy(u('http://127.0.0.1:8080/'), 'localhost')).to.equal(false)
    expect(bypassesProxy(u('http://10.1.2.3/'), '10.0.0.0/8')).to.equal(true)
    expect(bypassesProxy(u('http://11.1.2.3/'), '10.0.0.0/8')).to.equal(false)
    expect(bypassesProxy(u('http://[::1]:9/'), '::1')).to.equal(true)
    expect(bypassesProxy(u('http://[::1]:9/'), '[::1]:9')).to.equal(true)
    expect(bypassesProxy(u('http://[fd00::5]/'), 'fd00::/8')).to.equal(true)
    expect(bypassesProxy(u('http://1.2.3.4/'), '2.3.4')).to.equal(false) // an IP never matches as a domain suffix
    expect(chosen('http://127.0.0.1:1/', {HTTP_PROXY: 'http://p:1'})?.url).to.equal('http://p:1/')
    expect(chosen('http://127.0.0.1:1/', {HTTP_PROXY: 'http://p:1', no_proxy: '127.0.0.1'})).to.equal(undefined)
  })
})
