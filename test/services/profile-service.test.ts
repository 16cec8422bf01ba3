import {expect} from 'chai'
import {mkdirSync, rmSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {ControlPlaneClient, type TokenSource} from '../../src/net/control-plane-client.js'
import type {LoginSession} from '../../src/services/login-session.js'
import {ProfileService} from '../../src/services/profile-service.js'
import type {ProfileRecord} from '../../src/stores/schema.js'
import {ProfileSecrets, secretAccount} from '../../src/stores/secret-store.js'
import {redactKey} from '../../src/ui/redact.js'
import {InProcess, inProcess, rejection} from '../support/in-process.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

describe('ProfileService (real stores in a temp dir, file secret store, test control plane)', () => {
  let f: InProcess
  let service: ProfileService

  beforeEach(async () => {
    f = await inProcess()
    service = await f.services.profileService()
  })
  afterEach(() => f.cleanup())

  const apiKeyProfile = (name: string) => ({apiUrl: f.env.apiUrl, authType: 'api-key' as const, keyHint: 'hint', name, projectId: 'p1'})
  const profileNames = () => f.config().profiles.map((p) => p.name)
  const currentName = () => f.config().environments.find((e) => e.apiUrl === f.env.apiUrl)?.currentProfile
  /** Replaces the secrets file with a directory: every later secret store access fails for real. */
  const breakSecretsFile = () => {
    rmSync(path.join(f.dir, 'secrets.json'), {force: true})
    mkdirSync(path.join(f.dir, 'secrets.json'))
  }

  /** A login profile whose key was minted on the test control plane (no browser needed for that). */
  async function loginProfile(name = 'alice'): Promise<{profile: ProfileRecord; secrets: ProfileSecrets & {apiKey: string}}> {
    const minted = await new ControlPlaneClient(f.env.apiUrl).createApiKey(f.key, 'llamactl test')
    const secrets = {accessToken: 'access-token', apiKey: minted.secret, refreshToken: 'refresh-token'}
    const {profile} = await service.create(
      {apiUrl: f.env.apiUrl, authType: 'login', email: 'alice@example.com', keyId: minted.id, name, projectId: 'p1', sub: 'sub-alice'},
      secrets,
    )
    return {profile, secrets}
  }

  describe('create', () => {
    it('stores the secrets under the new profile’s id and saves it as current; the config holds no secret', async () => {
      const result = await service.create(apiKeyProfile('work'), {apiKey: 'llx-secret-value'})
      expect(result.created).to.equal(true)
      expect(result.previous).to.equal(null)
      expect(result.profile.id).to.match(/^[\da-f-]{36}$/)
      expect(f.secrets()).to.deep.equal({[secretAccount(result.profile)]: {apiKey: 'llx-secret-value'}})
      expect(f.config().profiles).to.deep.equal([result.profile])
      expect(currentName()).to.equal('work')
      expect(JSON.stringify(f.config())).not.to.include('llx-secret-value')
    })

    it('saves no profile when its secrets can’t be stored (secrets go first)', async () => {
      f.breakSecretStore()
      await rejection(service.create(apiKeyProfile('work'), {apiKey: 'llx-secret-value'}))
      expect(f.config().profiles).to.deep.equal([])
    })

    it('rolls the new secrets back when the config write fails (name clash), keeping the existing profile and its secrets', async () => {
      const {profile: existing} = await service.create(apiKeyProfile('work'), {apiKey: 'llx-first'})
      const error = await rejection<CliError>(service.create(apiKeyProfile('work'), {apiKey: 'llx-second'}))
      expect(error.code).to.equal('name_taken')
      expect(f.secrets()).to.deep.equal({[secretAccount(existing)]: {apiKey: 'llx-first'}})
      expect(f.config().profiles).to.deep.equal([existing])
    })

    it('replacing `previous` deletes its secrets only after the switch: a failed switch keeps them', async () => {
      const {profile: previous} = await service.create(apiKeyProfile('a'), {apiKey: 'llx-a'})
      const {profile: other} = await service.create(apiKeyProfile('b'), {apiKey: 'llx-b'})
      // The switch fails (the new name is b's): a's secrets and entry must survive.
      expect((await rejection<CliError>(service.create(apiKeyProfile('b'), {apiKey: 'llx-a2'}, previous))).code).to.equal('name_taken')
      expect(f.secrets()).to.deep.equal({[secretAccount(previous)]: {apiKey: 'llx-a'}, [secretAccount(other)]: {apiKey: 'llx-b'}})

      const result = await service.create(apiKeyProfile('a2'), {apiKey: 'llx-a2'}, previous)
      expect(result).to.deep.include({created: false, previous})
      expect(result.profile.id).not.to.equal(previous.id)
      expect(f.secrets()).to.deep.equal({[secretAccount(other)]: {apiKey: 'llx-b'}, [secretAccount(result.profile)]: {apiKey: 'llx-a2'}})
      expect(profileNames()).to.deep.equal(['b', 'a2'])
      expect(currentName()).to.equal('a2')
    })

    it('a key-less profile never touches the secret store, created or replaced', async () => {
      f.breakSecretStore()
      const {profile: first} = await service.create({apiUrl: f.env.apiUrl, authType: 'none', name: 'default', projectId: 'p1'}, null)
      const second = await service.create({apiUrl: f.env.apiUrl, authType: 'none', name: 'default', projectId: 'p2'}, null, first)
      expect(second.created).to.equal(false)
      expect(f.config().profiles).to.deep.equal([second.profile])
    })
  })

  describe('addApiKey', () => {
    const options = (apiKey: string, extra: Partial<Parameters<ProfileService['addApiKey']>[1]> = {}) => ({
      apiKey,
      interactive: false,
      prompter: new ScriptedPrompter().factory,
      ...extra,
    })

    it('saves a validated key as the current profile, named after its redacted form', async () => {
      const {created, profile} = await service.addApiKey(f.env, options(`  ${f.key}\n`, {projectId: 'p2'}))
      expect(created).to.equal(true)
      expect(profile).to.deep.include({apiUrl: f.env.apiUrl, authType: 'api-key', keyHint: redactKey(f.key), name: redactKey(f.key), projectId: 'p2'})
      expect(f.secrets()).to.deep.equal({[secretAccount(profile)]: {apiKey: f.key}})
      expect(currentName()).to.equal(profile.name)
      expect(f.server.calls('list-projects').map((c) => c.authorization)).to.deep.equal([`Bearer ${f.key}`])
    })

    it('a key the server rejects (401) or forbids (403) is invalid_key, and nothing is stored', async () => {
      const unknown = await rejection<CliError>(service.addApiKey(f.env, options('llx-not-a-key', {projectId: 'p1'})))
      expect(unknown.code).to.equal('invalid_key')
      expect(unknown.line).to.match(
        / did not accept this API key \(401, request id req-\d+\)\. Check the key \(create one in the web console\) and try again; nothing was stored$/,
      )
      expect(unknown.line.startsWith(`${f.env.apiUrl} `)).to.equal(true)
      expect(unknown.line).not.to.include('llx-not-a-key')
      f.server.fail({fault: {kind: 'status', status: 403}, path: 'list-projects'})
      const forbidden = await rejection<CliError>(service.addApiKey(f.env, options(f.key, {projectId: 'p1'})))
      expect(forbidden.code).to.equal('invalid_key')
      expect(forbidden.message).to.match(/\(403, request id req-\d+\)/)
      expect(f.config().profiles).to.deep.equal([])
      expect(f.secrets()).to.deep.equal({})
    })

    it('other server failures pass through as they are, storing nothing', async () => {
      f.server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
      expect((await rejection<CliError>(service.addApiKey(f.env, options(f.key, {projectId: 'p1'})))).code).to.equal('server_error')
      expect(f.secrets()).to.deep.equal({})
    })

    it('an empty or blank key is a usage error before any request', async () => {
      for (const blank of ['', '  \n']) {
        const error = await rejection<CliError>(service.addApiKey(f.env, options(blank, {projectId: 'p1'})))
        expect(error.code).to.equal('usage')
        expect(error.exit).to.equal(2)
        expect(error.line).to.equal('The API key is empty. Create one in the web console and pass it with --api-key')
      }

      expect(f.server.calls('list-projects')).to.deep.equal([])
    })

    it('picks the project: the only one without asking, a prompt among several, --project-id only if listed', async () => {
      const solo = f.server.addKey(undefined, {projects: [{deployment_count: 1, project_id: 'solo', project_name: 'Solo'}]})
      expect((await service.addApiKey(f.env, options(solo))).profile.projectId).to.equal('solo')

      const usage = await rejection<CliError>(service.addApiKey(f.env, options(f.key)))
      expect(usage.line).to.match(/^Missing --project-id .*one of: p1, p2$/)
      const unknown = await rejection<CliError>(service.addApiKey(f.env, options(f.key, {projectId: 'p9'})))
      expect(unknown.code).to.equal('unknown_project')
      expect(profileNames()).to.deep.equal([redactKey(solo)])

      const prompter = new ScriptedPrompter(['p2 ('])
      expect((await service.addApiKey(f.env, options(f.key, {interactive: true, prompter: prompter.factory}))).profile.projectId).to.equal('p2')
      expect(prompter.asked.map((a) => a.message)).to.deep.equal(['Choose a project'])
    })

    it('re-adding the same key updates its profile and keeps its name; --name renames it', async () => {
      const first = await service.addApiKey(f.env, options(f.key, {name: 'ci', projectId: 'p1'}))
      const again = await service.addApiKey(f.env, options(f.key, {projectId: 'p2'}))
      expect(again.created).to.equal(false)
      expect(again.profile).to.deep.include({name: 'ci', projectId: 'p2'})
      expect(f.config().profiles).to.deep.equal([again.profile])
      expect(Object.keys(f.secrets()), 'the replaced profile’s secrets are gone').to.deep.equal([secretAccount(again.profile)])
      expect(first.profile.id).not.to.equal(again.profile.id)

      const renamed = await service.addApiKey(f.env, options(f.key, {name: 'renamed', projectId: 'p2'}))
      expect(renamed.created).to.equal(false)
      expect(profileNames()).to.deep.equal(['renamed'])
    })

    it('a --name another profile holds is name_taken, for a new key or the same key, keeping both profiles and their keys', async () => {
      const other = f.server.addKey()
      const {profile: work} = await service.addApiKey(f.env, options(other, {name: 'work', projectId: 'p2'}))
      const {profile: mine} = await service.addApiKey(f.env, options(f.key, {projectId: 'p1'}))
      // The same key as an existing profile, but the name of another one: neither may be dropped.
      const sameKey = await rejection<CliError>(service.addApiKey(f.env, options(f.key, {name: 'work', projectId: 'p1'})))
      expect(sameKey.line).to.equal(
        `A profile named "work" already exists in ${f.env.apiUrl}. Choose another name with --name, or remove it first with \`llamactl auth logout work\``,
      )
      expect((await rejection<CliError>(service.addApiKey(f.env, options(f.server.addKey(), {name: 'work', projectId: 'p1'})))).code).to.equal('name_taken')
      expect(f.config().profiles).to.deep.equal([work, mine])
      expect(f.secrets()).to.deep.equal({[secretAccount(work)]: {apiKey: other}, [secretAccount(mine)]: {apiKey: f.key}})
    })

    it('a different key with the same redacted form is a new profile, not an update of the other', async () => {
      const one = f.server.addKey('llx-ab-first-key-wxyz')
      const two = f.server.addKey('llx-ab-other-key-wxyz')
      expect(redactKey(one)).to.equal(redactKey(two))
      await service.addApiKey(f.env, options(one, {projectId: 'p1'}))
      const error = await rejection<CliError>(service.addApiKey(f.env, options(two, {projectId: 'p1'})))
      expect(error.code, 'the auto-name is taken, and the other profile is kept').to.equal('name_taken')
      const second = await service.addApiKey(f.env, options(two, {name: 'second', projectId: 'p1'}))
      expect(second.created).to.equal(true)
      expect(profileNames()).to.deep.equal([redactKey(one), 'second'])
      expect(Object.values(f.secrets()).map((s) => s.apiKey)).to.have.members([one, two])
    })
  })

  describe('remove and discard', () => {
    it('remove deletes an API-key profile’s secrets and entry and returns it; the current one leaves none current', async () => {
      const {profile: keep} = await service.create(apiKeyProfile('keep'), {apiKey: 'llx-keep'})
      const {profile: gone} = await service.create(apiKeyProfile('gone'), {apiKey: 'llx-gone'})
      expect(await service.remove(f.env.apiUrl, 'gone')).to.deep.equal({leftBehind: null, profile: gone})
      expect(f.secrets()).to.deep.equal({[secretAccount(keep)]: {apiKey: 'llx-keep'}})
      expect(profileNames()).to.deep.equal(['keep'])
      expect(currentName()).to.equal(null)
    })

    it('remove of a login profile revokes its minted key on the server with that key, then deletes', async () => {
      const {profile, secrets} = await loginProfile()
      await service.remove(f.env.apiUrl, profile.name)
      expect(f.server.calls(`/api/v1/api-keys/${profile.keyId}`, 'DELETE').map((c) => c.authorization)).to.deep.equal([`Bearer ${secrets.apiKey}`])
      expect(f.server.minted.size).to.equal(0)
      expect(f.config().profiles).to.deep.equal([])
      expect(f.secrets()).to.deep.equal({})
      expect(f.warnings).to.deep.equal([])
    })

    it('when revoking fails, remove warns naming the key (never the secret) and still deletes', async () => {
      const {profile, secrets} = await loginProfile()
      f.server.fail({fault: {kind: 'status', status: 500}, method: 'DELETE'})
      await service.remove(f.env.apiUrl, profile.name)
      expect(f.warnings).to.have.length(1)
      expect(f.warnings[0]).to.match(
        new RegExp(`^Could not revoke the CLI API key ${profile.keyId} on ${f.env.apiUrl} \\(.*failed with 500.*\\); revoke it in the web console$`),
      )
      expect(f.warnings[0]).not.to.include(secrets.apiKey)
      expect(f.server.minted.size, 'the key is still there').to.equal(1)
      expect(f.config().profiles).to.deep.equal([])
      expect(f.secrets()).to.deep.equal({})
    })

    it('with the server down, remove warns that the key was not revoked and still deletes', async () => {
      const {profile} = await loginProfile()
      await f.server.stop()
      await service.remove(f.env.apiUrl, profile.name)
      expect(f.warnings).to.have.length(1)
      expect(f.warnings[0]).to.match(
        new RegExp(`^Could not revoke the CLI API key ${profile.keyId} on ${f.env.apiUrl} \\(.+\\); revoke it in the web console$`),
      )
      expect(f.config().profiles).to.deep.equal([])
      expect(f.secrets()).to.deep.equal({})
    })

    it('a secret store failure leaves the profile in place, to retry', async () => {
      await service.create(apiKeyProfile('work'), {apiKey: 'llx-work'})
      breakSecretsFile()
      await rejection(service.remove(f.env.apiUrl, 'work'))
      expect(profileNames()).to.deep.equal(['work'])
    })

    it('remove of an unknown profile is unknown_profile and deletes nothing', async () => {
      const {profile} = await service.create(apiKeyProfile('work'), {apiKey: 'llx-work'})
      const error = await rejection<CliError>(service.remove(f.env.apiUrl, 'nobody'))
      expect(error.code).to.equal('unknown_profile')
      expect(error.line).to.include('Profiles here: work')
      expect(Object.keys(f.secrets())).to.deep.equal([secretAccount(profile)])
    })

    it('discard revokes and deletes the secrets but leaves the config entry; a key-less profile is left alone', async () => {
      const {profile} = await loginProfile()
      await service.discard(profile)
      expect(f.server.minted.size).to.equal(0)
      expect(f.secrets()).to.deep.equal({})
      expect(profileNames()).to.deep.equal(['alice'])
      const {profile: keyless} = await service.create({apiUrl: f.env.apiUrl, authType: 'none', name: 'default', projectId: 'p1'}, null)
      breakSecretsFile()
      await service.discard(keyless)
    })
  })

  describe('credential, secretsOf, find', () => {
    it('an API-key profile’s bearer is its key and offers no refresh', async () => {
      const {profile} = await service.create(apiKeyProfile('work'), {apiKey: f.key})
      const source = (await service.credential(profile)).bearer() as TokenSource
      expect(await source.token()).to.equal(f.key)
      expect(source.refresh).to.equal(undefined)
      f.server.revokeKey(f.key)
      expect((await rejection<CliError>(new ControlPlaneClient(f.env.apiUrl).listProjects(source))).code).to.equal('unauthorized')
      expect(f.server.calls('list-projects'), 'not retried').to.have.length(1)
    })

    it('missing secrets are secrets_missing, naming the store and how to recover', async () => {
      const {profile} = await service.create(apiKeyProfile('work'), {apiKey: f.key})
      await (await f.services.secretStore()).delete(secretAccount(profile))
      const error = await rejection<CliError>((await service.credential(profile)).requireKey())
      expect(error.code).to.equal('secrets_missing')
      expect(error.line).to.equal('The secrets of profile work are missing from the file store. Log out (`llamactl auth logout work`) and sign in again')
    })

    it('[stub LoginSession] a login profile’s request is retried once after a 401 with the refreshed access token', async () => {
      const {profile, secrets} = await loginProfile()
      const refreshed: [ProfileRecord, ProfileSecrets][] = []
      const session = {
        async refresh(p: ProfileRecord, seen: ProfileSecrets) {
          refreshed.push([p, seen])
          return {...seen, accessToken: 'fresh-access-token'}
        },
      }
      const identity = {email: null, id: 'u', name: null, projects: [{deployment_count: 0, project_id: 'via-refresh', project_name: null}]}
      f.server.acceptToken = async (token) => (token === 'fresh-access-token' ? identity : null)
      f.server.revokeKey(secrets.apiKey!)
      const withSession = new ProfileService({
        client: (apiUrl) => new ControlPlaneClient(apiUrl),
        profiles: f.services.profileStore,
        secrets: await f.services.secretStore(),
        session: async () => session as unknown as LoginSession,
        warn: (m) => f.warnings.push(m),
      })

      const projects = await new ControlPlaneClient(f.env.apiUrl).listProjects((await withSession.credential(profile)).bearer())
      expect(projects.map((p) => p.projectId)).to.deep.equal(['via-refresh'])
      expect(refreshed).to.deep.equal([[profile, secrets]])
      expect(f.server.calls('list-projects').map((c) => c.authorization)).to.deep.equal([`Bearer ${secrets.apiKey}`, 'Bearer fresh-access-token'])
    })

    it('secretsOf reads a profile’s stored secrets, null when it has none', async () => {
      const {profile, secrets} = await loginProfile()
      expect(await service.secretsOf(profile)).to.deep.equal(secrets)
      expect(await service.secretsOf({...profile, id: 'no-such-id'})).to.equal(null)
    })

    it('find returns the first profile of the environment an (async) test accepts, else null', async () => {
      await service.create(apiKeyProfile('b'), {apiKey: 'llx-b'})
      await service.create(apiKeyProfile('a'), {apiKey: 'llx-a'})
      const seen: string[] = []
      const found = await service.find(f.env.apiUrl, async (p) => {
        seen.push(p.name)
        return (await service.secretsOf(p))?.apiKey === 'llx-b'
      })
      expect(found?.name).to.equal('b')
      expect(seen, 'in name order, stopping at the match').to.deep.equal(['a', 'b'])
      expect(await service.find(f.env.apiUrl, () => false)).to.equal(null)
      expect(await service.find('https://api.cloud.llamaindex.ai', () => true), 'other environments are not searched').to.equal(null)
    })
  })
})
