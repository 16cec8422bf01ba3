import {expect} from 'chai'

import {environmentJson, profileJson, StatusJson, statusText, table} from '../../src/ui/views.js'
import type {EnvironmentRecord, ProfileRecord} from '../../src/model.js'

describe('views', () => {
  describe('profileJson', () => {
    it('has exactly the documented keys, in order, and none of the record’s internals', () => {
      // A login record carries every optional field; none of them belongs in --json output.
      const record: ProfileRecord = {
        apiUrl: 'http://127.0.0.1:8000',
        authType: 'login',
        email: 'alice@example.com',
        id: '0f6d2a34-internal',
        keyHint: 'llx-ab****wxyz',
        keyId: 'key-123',
        name: 'alice@example.com',
        projectId: 'p1',
        sub: 'sub-alice',
      }
      const view = profileJson(record, true)
      expect(Object.keys(view)).to.deep.equal(['apiUrl', 'authType', 'current', 'name', 'projectId'])
      expect(view).to.deep.equal({apiUrl: 'http://127.0.0.1:8000', authType: 'login', current: true, name: 'alice@example.com', projectId: 'p1'})
      expect(JSON.stringify(view)).not.to.match(/internal|key-123|sub-alice|\*\*\*\*/)
    })

    it('keeps a missing project as null and passes current through', () => {
      const record: ProfileRecord = {apiUrl: 'http://127.0.0.1:8000', authType: 'none', id: 'x', name: 'default', projectId: null}
      expect(profileJson(record, false)).to.deep.equal({apiUrl: 'http://127.0.0.1:8000', authType: 'none', current: false, name: 'default', projectId: null})
    })
  })

  describe('environmentJson', () => {
    it('has exactly the documented keys, in order, without the remembered current profile', () => {
      const record: EnvironmentRecord = {apiUrl: 'https://api.example.com', currentProfile: 'alpha', minLlamactlVersion: '1.2.0', requiresAuth: false}
      const view = environmentJson(record, false)
      expect(Object.keys(view)).to.deep.equal(['apiUrl', 'current', 'minLlamactlVersion', 'requiresAuth'])
      expect(view).to.deep.equal({apiUrl: 'https://api.example.com', current: false, minLlamactlVersion: '1.2.0', requiresAuth: false})
      expect(environmentJson({...record, minLlamactlVersion: null}, true)).to.include({current: true, minLlamactlVersion: null})
    })
  })

  describe('table', () => {
    it('pads every column but the last to its widest cell, two spaces apart', () => {
      expect(
        table(
          ['NAME', 'PROJECT', 'TYPE'],
          [
            ['alpha', 'p1', 'api-key'],
            ['a-much-longer-name', 'p22', 'login (bob@example.com)'],
          ],
        ).split('\n'),
      ).to.deep.equal(['NAME                PROJECT  TYPE', 'alpha               p1       api-key', 'a-much-longer-name  p22      login (bob@example.com)'])
    })

    it('widens a column to its header and leaves no trailing spaces when last cells are empty', () => {
      expect(
        table(
          ['', 'NAME', 'NOTE'],
          [
            ['*', 'a', ''],
            ['', 'bb', 'x'],
          ],
        ).split('\n'),
      ).to.deep.equal(['   NAME  NOTE', '*  a', '   bb    x'])
    })

    it('is the header alone when there are no rows', () => {
      expect(table(['API URL', 'AUTH'], [])).to.equal('API URL  AUTH')
    })

    it('escapes control characters in cells, so a cell with a line break cannot add a row', () => {
      const out = table(
        ['', 'NAME', 'PROJECT'],
        [
          ['*', 'work', 'p1'],
          ['', 'x\n*  forged', 'p\u001B[2J'],
        ],
      )
      expect(out.split('\n')).to.deep.equal(['   NAME              PROJECT', '*  work              p1', String.raw`   x\u000a*  forged  p\u001b[2J`])
    })
  })

  describe('statusText', () => {
    const report = (change: Partial<StatusJson> = {}): StatusJson => ({
      apiUrl: 'http://127.0.0.1:8000',
      authType: 'api-key',
      check: {message: 'http://127.0.0.1:8000 accepted the API key for project p1', requestId: null, result: 'ok'},
      keyHint: 'llx-ab****wxyz',
      keychainUnavailable: null,
      login: null,
      overrides: null,
      profile: 'ci',
      projectId: 'p1',
      secretStore: 'keychain',
      source: 'profile',
      ...change,
    })

    it('escapes each value: a project id with a line break cannot forge a `Check: ok` row', () => {
      const forged = 'p1\nCheck:          ok: all good'
      const lines = statusText(report({check: {message: 'rejected', requestId: null, result: 'rejected'}, projectId: forged})).split('\n')
      expect(lines.filter((l) => l.startsWith('Check:'))).to.deep.equal(['Check:          rejected'])
      expect(lines).to.include(String.raw`Project:        p1\u000aCheck:          ok: all good`)
    })

    it('makes bidi controls and line separators from a server visible', () => {
      const text = statusText(report({check: {message: 'accepted \u202Eevil\u2028x', requestId: null, result: 'ok'}}))
      expect(text).to.include(String.raw`accepted \u202eevil\u2028x`)
      expect(text).to.not.match(/[\u2028\u2029\u202A-\u202E\u2066-\u2069]/)
    })

    it('names a failed check without its message, which the command prints once as its Error line', () => {
      const line = 'No credentials: no profile is current in http://127.0.0.1:8000 and LLAMA_CLOUD_API_KEY is not set'
      const none = report({
        authType: null,
        check: {message: line, requestId: null, result: 'no_credentials'},
        keyHint: null,
        profile: null,
        projectId: null,
        source: 'none',
      })
      expect(statusText(none)).to.equal('Credential:     none\nEnvironment:    http://127.0.0.1:8000\nCheck:          no_credentials')
      expect(statusText(report())).to.include('Check:          ok: http://127.0.0.1:8000 accepted the API key for project p1')
    })

    it('says why no keychain is used on the Secret store line when secrets fell back to the file', () => {
      const text = statusText(report({keychainUnavailable: 'Cannot autolaunch D-Bus without X11 $DISPLAY', secretStore: 'file'}))
      expect(text).to.include('Secret store:   file (no OS keychain: Cannot autolaunch D-Bus without X11 $DISPLAY)')
    })
  })
})
