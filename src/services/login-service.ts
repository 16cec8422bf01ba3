import {openBrowser} from '../ui/browser.js'
import {CancelledError, CliError} from '../errors.js'
import {pickCredentialProject} from '../ui/pickers.js'
import {clock, Spinner, SpinnerStream} from '../ui/spinner.js'
import {visible} from '../ui/terminal-text.js'
import type {ControlPlaneClient, MintedKey} from '../net/control-plane-client.js'
import type {DeviceLogin, OidcTokens} from '../net/device-login.js'
import {cliKeyName} from './login-session.js'
import {OrganizationScope} from './organizations.js'
import {checkChosenName, printableName, type ProfileService} from './profile-service.js'
import type {Prompter} from '../ui/prompter.js'
import type {EnvironmentRecord, ProfileRecord} from '../model.js'

export interface LoginServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  env: NodeJS.ProcessEnv
  profileService: ProfileService
  /** Where the URL, the code and the spinner go (stderr). */
  stderr: SpinnerStream
  timeoutMs?: number
  warn: (message: string) => void
}

export interface LoginOptions {
  interactive: boolean
  name?: string
  /** Only print the URL. */
  noBrowser: boolean
  projectId?: string
  prompter: () => Promise<Prompter>
}

/** `auth login`: the device flow in the browser, then a minted API key saved as a login profile. */
export class LoginService {
  constructor(private readonly deps: LoginServiceDeps) {}

  /**
   * Logs in to an environment and saves (or updates, for the same OpenID subject) a current
   * login profile. Ctrl-C ends it with CancelledError and nothing stored; a key minted before a
   * later failure is revoked again.
   */
  async login(env: EnvironmentRecord, options: LoginOptions): Promise<{created: boolean; profile: ProfileRecord}> {
    if (options.name !== undefined) checkChosenName(options.name)
    if (!env.requiresAuth)
      throw new CliError(`${env.apiUrl} does not use login`, {
        code: 'login_not_used',
        suggestion: 'This environment does not require auth; use `llamactl auth token` (or `llamactl auth project`) instead',
      })
    const client = this.deps.client(env.apiUrl)
    const discovery = await client.oidcDiscovery()
    if (!discovery)
      throw new CliError(`${env.apiUrl} does not offer browser login`, {
        code: 'login_not_used',
        suggestion: 'Use `llamactl auth token` with an API key from the web console instead',
      })

    const cancel = new AbortController()
    const onSigint = () => cancel.abort(new CancelledError())
    process.on('SIGINT', onSigint)
    try {
      const {DeviceLogin} = await import('../net/device-login.js')
      const device = await DeviceLogin.discover(discovery, {env: this.deps.env, timeoutMs: this.deps.timeoutMs})
      const tokens = await this.approve(device, options, cancel.signal)
      return await this.save(env, client, tokens, options, cancel.signal)
    } finally {
      process.removeListener('SIGINT', onSigint)
    }
  }

  /** Shows the code, opens the browser and waits for approval with a spinner. */
  private async approve(device: DeviceLogin, options: LoginOptions, signal: AbortSignal): Promise<OidcTokens> {
    const authorization = await device.start()
    if (signal.aborted) throw new CancelledError()
    const {stderr} = this.deps
    // Both come from the OpenID provider: made visible, they can't drive the terminal.
    stderr.write(`To sign in, open ${visible(authorization.verificationUri)} and enter the code ${visible(authorization.userCode)}\n`)
    const spinner = new Spinner(stderr, () => `Waiting for approval in the browser… (code expires in ${clock((authorization.expiresAt - Date.now()) / 1000)})`)
    const warn = (message: string) => (spinner.active ? spinner.interrupt(`Warning: ${message}`) : this.deps.warn(message))
    if (!options.noBrowser) {
      const url = authorization.verificationUriComplete ?? authorization.verificationUri
      const opened = await openBrowser(url, {
        env: this.deps.env,
        onLateFailure: (why) => warn(`The browser may not have opened (${why}); open the URL above yourself`),
      })
      if (opened.ok) stderr.write('Opened your browser; approve the request there.\n')
      else warn(`Could not open a browser (${opened.error}); open the URL above yourself`)
    }

    spinner.start()
    try {
      return await device.wait(authorization, signal)
    } finally {
      spinner.stop()
    }
  }

  /** Picks the project, mints the CLI's API key and saves the profile; undoes the mint on failure. */
  private async save(
    env: EnvironmentRecord,
    client: ControlPlaneClient,
    tokens: OidcTokens,
    options: LoginOptions,
    signal: AbortSignal,
  ): Promise<{created: boolean; profile: ProfileRecord}> {
    const {accessToken} = tokens
    const sub = tokens.claims!.sub
    const email = tokens.claims?.email ?? (await client.me(accessToken)).email
    const who = email ?? sub
    const projects = await client.listProjects(accessToken)
    if (signal.aborted) throw new CancelledError()
    if (projects.length === 0)
      throw new CliError(`${who} has no projects in ${env.apiUrl} yet`, {
        code: 'no_projects',
        suggestion: 'Finish setting up the account on the web (create a project there), then run `llamactl auth login` again',
      })
    // A --project-id is found in any organization; the choices are the default organization's.
    const choices = options.projectId === undefined ? await new OrganizationScope(client, env).projectsToPick(accessToken) : projects
    if (signal.aborted) throw new CancelledError()
    const projectId = await pickCredentialProject(choices, options, true)
    if (signal.aborted) throw new CancelledError()

    const {profileService} = this.deps
    const sameSubject = (existing: ProfileRecord) => existing.authType === 'login' && existing.sub === sub
    // Logging in again keeps a name chosen with --name earlier.
    const previous = await profileService.find(env.apiUrl, sameSubject)
    const name = options.name ?? previous?.name ?? printableName(who)
    let minted: MintedKey | undefined
    try {
      minted = await client.createApiKey(accessToken, cliKeyName(who))
      // Ctrl-C up to here leaves nothing behind: the catch below revokes the key just minted.
      if (signal.aborted) throw new CancelledError()
      const result = await profileService.create(
        {apiUrl: env.apiUrl, authType: 'login', email, keyId: minted.id, name, projectId, sub},
        {accessToken, apiKey: minted.secret, expiresAt: tokens.expiresAt, idToken: tokens.idToken, refreshToken: tokens.refreshToken},
        previous,
      )
      const oldKey = result.previous?.keyId
      if (oldKey && oldKey !== minted.id) await this.revoke(client, accessToken, oldKey, 'the previous CLI API key')
      return {created: result.created, profile: result.profile}
    } catch (error) {
      if (minted) await this.revoke(client, accessToken, minted.id, 'the API key minted for this login')
      throw error
    }
  }

  private async revoke(client: ControlPlaneClient, accessToken: string, keyId: string, what: string): Promise<void> {
    try {
      await client.deleteApiKey(accessToken, keyId)
    } catch (error) {
      this.deps.warn(`Could not revoke ${what} (${keyId}): ${(error as Error).message}; revoke it in the web console`)
    }
  }
}
