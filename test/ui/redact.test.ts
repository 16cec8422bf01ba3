import {expect} from 'chai'
import os from 'node:os'

import {looksLikeKey, redactKey, redactKeys} from '../../src/ui/redact.js'

describe('redactKey', () => {
  it("keeps the first 6 and last 4 characters of a key longer than 12 (the contract's format)", () => {
    expect(redactKey('llx-abcdefghijklmnop1234')).to.equal('llx-ab****1234')
    expect(redactKey('abcdefghijklm')).to.equal('abcdef****jklm')
  })

  it('shows at most 4 characters of a key of 12 or fewer, and at most half of it', () => {
    expect(redactKey('abcdefghijkl')).to.equal('ab****kl')
    expect(redactKey('abcdefgh')).to.equal('ab****gh')
    expect(redactKey('abcdefg')).to.equal('a****g')
    expect(redactKey('abcd')).to.equal('a****d')
    expect(redactKey('abc')).to.equal('****')
    expect(redactKey('')).to.equal('****')
    for (let length = 1; length <= 12; length++) {
      const key = 'k'.repeat(length)
      const shown = redactKey(key).replace('****', '').length
      expect(shown, `length ${length}`)
        .to.be.at.most(4)
        .and.below(Math.max(1, length / 2) + 0.5)
    }
  })
})

describe('looksLikeKey / redactKeys', () => {
  it('takes anything carrying the llx- prefix, attached to a flag or not', () => {
    expect(looksLikeKey('llx-abcd')).to.equal(true)
    expect(looksLikeKey('-kllx-0123456789abcdef')).to.equal(true)
    expect(looksLikeKey('LLX-ABCDEFGH')).to.equal(true)
  })

  it('takes long random tokens mixing upper case, lower case and digits', () => {
    expect(looksLikeKey('Xq7Lm2Pz9Rt4Vw8Yb3Nc6Kd1')).to.equal(true)
    expect(looksLikeKey('eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9')).to.equal(true)
  })

  it('leaves alone what errors legitimately show: ids, UUIDs, hex request ids, auto-names, words', () => {
    for (const token of [
      'p1',
      'key-3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c',
      '3F2A9C1E-7B4D-4E8A-9F0C-1D2E3F4A5B6C',
      '0123456789abcdef0123456789abcdef',
      'llx-ab****wxyz',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'deployments-public',
      'llx-ab',
    ])
      expect(looksLikeKey(token), token).to.equal(false)
  })

  it('redacts each key-like token inside a message and nothing else', () => {
    const key = 'llx-0123456789abcdef0123456789abcdef'
    expect(redactKeys(`No profile named "${key}" in http://127.0.0.1:4000. Profiles here: llx-ab****wxyz, work`)).to.equal(
      'No profile named "llx-01****cdef" in http://127.0.0.1:4000. Profiles here: llx-ab****wxyz, work',
    )
    expect(redactKeys('failed with 500, request id 0123456789abcdef0123456789abcdef')).to.equal('failed with 500, request id 0123456789abcdef0123456789abcdef')
  })

  it('redacts the known secrets in play wherever they appear, even when they have no key shape', () => {
    const key = 'plainsecretvalue0000'
    expect(redactKeys(`project ${key}, request id x${key}y`, [key])).to.equal('project plains****0000, request id xplains****0000y')
    expect(redactKeys(`project ${key}`), 'without it, no key shape: left').to.equal(`project ${key}`)
    expect(redactKeys('short abc', ['abc']), 'too short to be a secret: ignored').to.equal('short abc')
  })
})

describe('redactKeys: paths and URLs stay readable, keys in them do not', () => {
  const key = 'llx-0123456789abcdef0123456789abcdef'

  it('never changes a path made of random temp names (500 random mkdtemp-style folders, mixed case and digits)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    const random = (n: number) => Array.from({length: n}, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('')
    for (let i = 0; i < 500; i++) {
      const dir = `${os.tmpdir()}/llamactl-acc-${Date.now()}-${random(6)}/${random(8 + (i % 40))}`
      for (const message of [
        `Keychain unavailable; secrets are kept in ${dir}/secrets.json`,
        `Cannot write "${dir}/config.json": EACCES`,
        `config dir ${dir}.`,
        `file://${dir}/profiles.db`,
        `https://example.com/${random(30)}/deployments?page=2`,
        `/home/me/Projects/C++Tools2024/${random(12)}/build`,
      ])
        expect(redactKeys(message), message).to.equal(message)
    }
  })

  it('still redacts an llx- key inside a path or a URL, and key-like values of a query string or fragment', () => {
    expect(redactKeys(`wrote ${os.tmpdir()}/x/${key}.env`)).to.equal(`wrote ${os.tmpdir()}/x/llx-01****cdef.env`)
    expect(redactKeys(`GET https://cp.example/api/v1/projects?api_key=${key}&page=2 failed`)).to.equal(
      'GET https://cp.example/api/v1/projects?api_key=llx-01****cdef&page=2 failed',
    )
    expect(redactKeys('https://cp.example/cb#access_token=Xq7Lm2Pz9Rt4Vw8Yb3Nc6Kd1&state=1')).to.equal(
      'https://cp.example/cb#access_token=Xq7Lm2****6Kd1&state=1',
    )
    expect(redactKeys('proxy http://me:Xq7Lm2Pz9Rt4@proxy.example:3128/ refused')).to.equal('proxy http://me:Xq****t4@proxy.example:3128/ refused')
  })

  it('redacts a JWT and a standard-base64 secret wherever they are, and a free-standing random token as before', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJlLWJ5dGVz'
    expect(redactKeys(`token ${jwt} expired`)).to.equal('token eyJhbG****ZXMx expired'.replace('ZXMx', jwt.slice(-4)))
    expect(redactKeys(`https://cp.example/cb?id_token=${jwt}`)).to.equal(`https://cp.example/cb?id_token=eyJhbG****${jwt.slice(-4)}`)
    expect(redactKeys('secret "Zm9vYmFyYmF6cXV4Q29ycmVjdEhvcnNlQmF0dGVyeQ9+/==".')).to.equal('secret "Zm9vYm****+/==".')
    expect(redactKeys('bad token Xq7Lm2Pz9Rt4Vw8Yb3Nc6Kd1')).to.equal('bad token Xq7Lm2****6Kd1')
  })

  it('redacts every occurrence of a known secret, whatever its shape and wherever it is (inside a word, a path or a URL)', () => {
    const secret = 'plain-lowercase-secret'
    expect(redactKeys(`x${secret}y at /tmp/${secret}/f and https://h/?k=${secret}`, [secret])).to.equal(
      'xplain-****crety at /tmp/plain-****cret/f and https://h/?k=plain-****cret',
    )
    expect(redactKeys('a short one: abc', ['abc', ''])).to.equal('a short one: abc')
  })
})
