import {Command, Flags} from '@oclif/core'
import type {Input, ParserOutput} from '@oclif/core/interfaces'
import {format} from 'node:util'

import {CliError, debugEnabled, ExitCode, UsageError} from './errors.js'
import {DefaultServices, ServiceContext, Services} from './services/factory.js'
import {NATIVE_TLS_VARIABLE} from './variables.js'
import {isInteractive} from './ui/interactive.js'
import {redactKey, redactKeys} from './ui/redact.js'
import {closestFlag} from './ui/suggest.js'
import {jsonText, visible, visibleLines} from './ui/terminal-text.js'
import {llamactlVersion, type EnvironmentRecord} from './model.js'
import type {CredentialClient, CredentialRequest, Credentials} from './services/credentials.js'
import type {ActiveCredential} from './services/active-credential.js'

// oclif's own constraints for parsed flags and args (not exported by @oclif/core).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = {[name: string]: any}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = {[name: string]: any}

/**
 * One line from an oclif parse error. What was typed may be a secret pasted in the wrong place
 * (`--apikey=llx-…`, `-kllx-…`, a key as an extra argument), so values are left out or
 * redacted; `catch` then redacts whatever else looks like a key.
 */
function usageLine(message: string): string {
  const hideValue = (flag: string) => flag.replace(/^(--[\w-]+)=.*$/, '$1=…').replace(/^(-[^-])..*$/, '$1…')
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^See more help with/.test(line))
    .join('; ')
    .replaceAll(/(--[\w-]+)=\S+/g, '$1=…')
    .replace(
      /(Nonexistent flags?: )([^;]+)/,
      (_, label: string, list: string) =>
        label +
        list
          .split(', ')
          .map((flag) => hideValue(flag))
          .join(', '),
    )
    .replace(
      /(Unexpected arguments?: )(.+)/,
      (_, label: string, list: string) =>
        label +
        list
          .split(', ')
          .map((arg) => (arg.length > 12 ? redactKey(arg) : arg))
          .join(', '),
    )
}

/**
 * The base of every `auth` command: lazily built services from one factory, the
 * interactive decision, and errors turned into one line (or a `--json` error document).
 * It is also the text output boundary: whatever `say`, `warn`, `log` and `catch` print has its
 * control characters made visible (src/ui/terminal-text.ts), while `--json` stays exact data.
 */
export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true
  /**
   * On every command, as in the Python llamactl 0.10 (whose commands all take it); only those
   * that talk to a server use it. It sets LLAMACTL_NATIVE_TLS=1 for the run.
   */
  static override baseFlags = {
    'native-tls': Flags.boolean({
      description: "Also trust the operating system's certificate store (the system CA bundle; macOS: the system keychains). Same as LLAMACTL_NATIVE_TLS=1",
      helpGroup: 'GLOBAL',
    }),
  }

  /** Builds the services for a command run. Tests replace it per test and restore it after. */
  static servicesFactory: (ctx: ServiceContext) => Services = (ctx) => new DefaultServices(ctx)

  private readonly credentialsRead = new Map<string, Promise<ActiveCredential>>()
  /** The credentials this run has opened: their secrets are hidden from every line it prints, whole or in part. */
  private readonly credentialsOpened: ActiveCredential[] = []
  /** `--native-tls` was given (see baseFlags). */
  private nativeTls = false
  private servicesInstance?: Services

  protected get services(): Services {
    this.servicesInstance ??= (this.constructor as typeof BaseCommand).servicesFactory({
      configDir: this.config.configDir,
      env: this.nativeTls ? {...process.env, [NATIVE_TLS_VARIABLE]: '1'} : process.env,
      version: llamactlVersion(this.config),
      warn: (message) => this.warn(message),
    })
    return this.servicesInstance
  }

  protected override async catch(error: Error & {code?: string; exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // oclif's own exits (help, version, this.exit(n) of any n) pass through untouched.
    if (error.code === 'EEXIT' || error.oclif?.exit === 0) throw error
    const {code, exit, line} = this.describe(error)
    // Under DEBUG, where it came from: dist/ ships source maps, so the frames name src/*.ts lines.
    // An unexpected error's under any DEBUG; a CliError's (a user's mistake, already one clear
    // line) only when DEBUG names llamactl, so DEBUG=express,… set for another tool adds no noise.
    const stack = error instanceof CliError ? debugEnabled(process.env.DEBUG) : Boolean(process.env.DEBUG)
    if (stack) process.stderr.write(`${visibleLines(redactKeys(error.stack ?? line))}\n`)
    if (this.jsonEnabled()) this.logJson({error: {code, message: line}})
    this.errorLine(line)
    return this.exit(exit)
  }

  /** The one `Error: ` line on stderr, control characters made visible and key-like words redacted. */
  protected errorLine(line: string): void {
    process.stderr.write(`Error: ${visible(redactKeys(line, this.secretsInPlay()))}\n`)
  }

  /**
   * A control-plane client authenticated as the credential in effect (see `credentials`): the
   * key as bearer token, and for login profiles refresh-on-401 and the replacement of a rejected key.
   */
  protected async controlPlane(request: CredentialRequest = {}): Promise<CredentialClient> {
    return (await this.services.credentialService()).clientOf(await this.credentialInEffect(request))
  }

  /**
   * The credential object in effect for this command (see ActiveCredential): read once per
   * request, shared by `credentials` and `controlPlane`, updated in place by a refresh.
   */
  protected async credentialInEffect(request: CredentialRequest = {}): Promise<ActiveCredential> {
    const key = JSON.stringify([request.profile, request.projectId])
    let found = this.credentialsRead.get(key)
    if (!found) {
      found = this.services
        .credentialService()
        .then((service) => service.credentialInEffect(request))
        .then((credential) => {
          this.credentialsOpened.push(credential)
          return credential
        })
      this.credentialsRead.set(key, found)
    }

    return found
  }

  /**
   * The credential in effect for this command (credentials.md): `request.profile` (`--profile`),
   * else the LLAMA_* variables, else the current profile; `request.projectId` (`--project-id`)
   * replaces only the project. No credential at all is the one-line "no credentials" error.
   */
  protected async credentials(request: CredentialRequest = {}): Promise<Credentials> {
    return (await this.credentialInEffect(request)).credentials()
  }

  /**
   * Ends the command with `code`, silently. Not oclif's ExitError: a host CLI runs this class
   * with its own copy of @oclif/core, whose error handler recognises that class by `instanceof`
   * only and would print "EEXIT: 1" after the one-line error. Every copy honours these duck-typed
   * fields (`skipOclifErrorHandling`, `oclif.exit`, code EEXIT).
   */
  override exit(code = 0): never {
    throw Object.assign(new Error(`EEXIT: ${code}`), {code: 'EEXIT', oclif: {exit: code}, skipOclifErrorHandling: true})
  }

  /** What the command prints (unless --json) and returns: `--json` prints the returned value. */
  abstract override run(): Promise<T>

  /** The profile NAME argument, or one picked from the environment's profiles (see pickProfile). */
  protected async profileName(env: EnvironmentRecord, requested: string | undefined, options: {interactive: boolean; message: string}): Promise<string> {
    const {pickProfile} = await import('./ui/pickers.js')
    const profiles = requested === undefined ? await this.services.profileStore.list(env.apiUrl) : []
    return pickProfile(profiles, env, {...options, prompter: () => this.services.prompter(), requested})
  }

  /**
   * oclif's parse, with every failure a usage error (exit 2) in one line, extra arguments
   * redacted. No command needs `strict = false` for that: oclif's router reads a word after a
   * command without arguments as part of its name, and the not-found hook answers such an id
   * with the same "Unexpected argument" line (src/hooks/command-not-found.ts).
   */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const help = `See \`${this.config.bin} ${this.id?.replaceAll(':', ' ')} --help\``
    let output: ParserOutput<F, B, A>
    try {
      output = await super.parse(options, argv)
    } catch (error) {
      const {flags: unknown} = error as {flags?: string[]}
      const known = Object.entries({...this.ctor.baseFlags, ...this.ctor.flags, ...options?.flags})
        .filter(([, flag]) => !(flag as {hidden?: boolean}).hidden)
        .map(([name]) => `--${name}`)
      const meant =
        Array.isArray(unknown) && unknown.length === 1 ? closestFlag(unknown[0], [...known, ...(this.ctor.enableJsonFlag ? ['--json'] : [])]) : undefined
      throw new UsageError(usageLine((error as Error).message), meant ? `Did you mean ${meant}? ${help}` : help)
    }

    if (output.flags['native-tls']) this.nativeTls = true
    const extra = output.argv.slice(Object.keys(options?.args ?? {}).length)
    if (extra.length > 0) throw new UsageError(usageLine(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}`), help)
    return output
  }

  /** Whether this run may prompt (see docs/formats.md); `flag` is the parsed --interactive value. */
  protected interactive(flag: boolean | undefined): boolean {
    if (this.jsonEnabled() && flag === undefined) return false
    return isInteractive(flag, {
      // As the Python llamactl's is_interactive_session: any non-empty CI (CI=false and CI=0 too), and TERM=dumb.
      ci: Boolean(process.env.CI),
      dumbTerminal: process.env.TERM === 'dumb',
      stdinIsTTY: Boolean(process.stdin.isTTY),
      stdoutIsTTY: Boolean(process.stdout.isTTY),
    })
  }

  /** Text on stdout (tables), each line with control characters made visible; nothing with --json. */
  override log(message = '', ...args: unknown[]): void {
    super.log(visibleLines(format(message, ...args)))
  }

  /** `--json` output (a command's result or an error document): exact data, but no raw DEL or C1 control a terminal would run. */
  override logJson(json: unknown): void {
    process.stdout.write(`${jsonText(json)}\n`)
  }

  /** A message for people: one line on stderr, and nothing at all with --json. */
  protected say(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${visible(message)}\n`)
  }

  /** A `Warning: ` line on stderr, also with --json (stdout stays data); key-like words redacted, as in errors. */
  override warn(input: Error | string): Error | string {
    process.stderr.write(`Warning: ${visible(redactKeys(typeof input === 'string' ? input : input.message, this.secretsInPlay()))}\n`)
    return input
  }

  /** The secrets in play in this run: those of the credentials it opened (a refreshed key included) and the variables' key. */
  private secretsInPlay(): string[] {
    const fromEnv = process.env.LLAMA_CLOUD_API_KEY?.trim()
    return [...(fromEnv ? [fromEnv] : []), ...this.credentialsOpened.flatMap((credential) => credential.known)]
  }

  /** The error's code, exit code and line; anything in the line that looks like a key is redacted (src/ui/redact.ts). */
  private describe(error: Error & {oclif?: {exit?: number}}): {code: string; exit: number; line: string} {
    if (error instanceof CliError) return {code: error.code, exit: error.exit, line: redactKeys(error.line, this.secretsInPlay())}
    return {code: 'internal', exit: ExitCode.failure, line: redactKeys(`${error.message.split('\n')[0]} (set DEBUG=1 for details)`, this.secretsInPlay())}
  }
}
