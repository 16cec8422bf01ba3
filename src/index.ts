// The declarations name Node types (NodeJS.ProcessEnv, node:stream), and so do @oclif/core's: this
// brings @types/node into a host's program that does not list it in `types` (TypeScript 6 and
// later include no @types package by default), so our .d.ts compile wherever @types/node is installed.
/// <reference types="node" preserve="true" />
import {DefaultServices} from './services/factory.js'
import {hideKey} from './services/active-credential.js'
import type {CredentialClient, CredentialRequest, Credentials} from './services/credentials.js'

export {BaseCommand} from './base-command.js'
export {CliError, ExitCode, UsageError} from './errors.js'
export {profileFlag, projectIdFlag} from './flags.js'
export {ApiError} from './net/control-plane-client.js'
export type {Me, Project} from './net/control-plane-client.js'
export {CREDENTIAL_VARIABLES, CredentialClient} from './services/credentials.js'
export type {CredentialRequest, Credentials, CredentialSource, RequestOptions} from './services/credentials.js'
// ActiveCredential: the credential in effect, from a profile or from the LLAMA_* variables (then
// without a profile). ProfileCredential is its earlier name, kept for hosts written against it.
export {ActiveCredential, ActiveCredential as ProfileCredential} from './services/active-credential.js'
// The one seam (BaseCommand.servicesFactory) and what it takes: a host's tests swap a service, e.g. the prompter, as ours do.
export {DefaultServices} from './services/factory.js'
export type {ServiceContext, ServiceOverrides, Services} from './services/factory.js'
export type {Choice, Prompter} from './ui/prompter.js'

/** Where the library finds the config, and how it talks to a person. */
export interface LibraryOptions {
  /** The oclif config dir: `this.config.configDir` in a command. */
  configDir: string
  /** Where the LLAMA_* and LLAMACTL_* variables are read (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** The llamactl version, sent in the user agent (default 0.0.0). */
  version?: string
  /** Prints a warning line (default: `Warning: <message>` on stderr). */
  warn?: (message: string) => void
}

/** Options of resolveCredentials: the library options plus `--profile` and `--project-id` when given. */
export type ResolveCredentialsOptions = CredentialRequest & LibraryOptions

function services(options: LibraryOptions): DefaultServices {
  return new DefaultServices({
    configDir: options.configDir,
    env: options.env ?? process.env,
    version: options.version ?? '0.0.0',
    warn: options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`)),
  })
}

/**
 * The credential in effect (credentials.md, "Resolution order"): `profile` (`--profile`), else
 * LLAMA_CLOUD_API_KEY with LLAMA_AGENTS_PROJECT_ID (at LLAMA_CLOUD_BASE_URL), else the current
 * profile of the current environment; `projectId` replaces only the project. Throws the one-line
 * "no credentials" CliError (exit 1) when there is none.
 */
export async function resolveCredentials(options: ResolveCredentialsOptions): Promise<Credentials> {
  return (await services(options).credentialService()).credentialsInEffect({profile: options.profile, projectId: options.projectId})
}

/**
 * A control-plane client made from resolved credentials: the bearer key, timeouts, proxy and CA
 * settings and one-line errors with request ids; for login profiles the refresh-on-401 and the
 * replacement of a rejected key that the auth commands use. Credentials from resolveCredentials
 * bring their credential object along, so nothing is read again; others are looked up.
 */
export async function createControlPlaneClient(credentials: Credentials, options: LibraryOptions): Promise<CredentialClient> {
  return (await services(options).credentialService()).clientFor(credentials)
}

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
  const built = services({...options, configDir})
  const env = await built.environmentStore.current()
  const profile = await built.profileStore.current(env.apiUrl)
  if (!profile) return null
  const {apiKey} = await (await built.credentialService()).credentialOfProfile(profile)
  const current: CurrentCredentials = {apiKey, apiUrl: env.apiUrl, profile: profile.name, projectId: profile.projectId}
  return hideKey(current)
}
