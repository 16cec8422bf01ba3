import {expect} from 'chai'

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
