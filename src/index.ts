import {DefaultServices} from './services/factory.js'

export {BaseCommand} from './base-command.js'
export {CliError, ExitCode, UsageError} from './errors.js'

/** What another llamactl command needs to call the control plane as the current profile. */
export interface CurrentCredentials {
  /** The bearer token to send, or null for a key-less profile (environments without auth). */
  apiKey: null | string
  apiUrl: string
  profile: string
  projectId: null | string
}

/**
 * The current environment's current profile and its API key, for the other `llamactl`
 * commands (`configDir` is the oclif config dir, `this.config.configDir` in a command).
 * Null when no profile is current. Rejects with a CliError (one line, a stable `code`) when the
 * key can't be read: `keychain_locked` for a locked keychain, never `apiKey: null` for it.
 */
export async function currentCredentials(
  configDir: string,
  options: {env?: NodeJS.ProcessEnv; version?: string; warn?: (message: string) => void} = {},
): Promise<CurrentCredentials | null> {
  const services = new DefaultServices({
    configDir,
    env: options.env ?? process.env,
    version: options.version ?? '0.0.0',
    warn: options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`)),
  })
  const env = await services.environmentStore.current()
  const profile = await services.profileStore.current(env.apiUrl)
  if (!profile) return null
  const secrets = profile.authType === 'none' ? null : await (await services.profileService()).secretsOf(profile)
  return {apiKey: secrets?.apiKey ?? null, apiUrl: env.apiUrl, profile: profile.name, projectId: profile.projectId}
}
