import {Flags} from '@oclif/core'
import type {OptionFlag} from '@oclif/core/interfaces'

import {UsageError} from './errors.js'
import {hasKeyShape, projectIdText} from './model.js'

/**
 * `--profile NAME`: the credential of profile NAME of the current environment for this one
 * command, ahead of the LLAMA_* variables and the current profile (docs: "Resolution order").
 * Exported for the commands of the larger llamactl.
 */
export const profileFlag: OptionFlag<string | undefined> = Flags.string({
  description:
    'Use this profile of the current environment (see `auth list`) instead of the LLAMA_* variables or the current profile; ' +
    'never changes which profile is current',
  helpValue: '<name>',
})

/** A project id given on the command line, checked as one from a server is (projectIdText); a usage error otherwise. */
export async function parseProjectId(input: string): Promise<string> {
  if (!projectIdText(input)) throw new UsageError('it is not a project id (1 to 200 printable characters)')
  // A key pasted in the wrong place would be printed and stored in config.json in plain text.
  if (hasKeyShape(input))
    throw new UsageError('it has the shape of an API key (llx-…), not of a project id: a key goes to `auth token --api-key` (- reads it from stdin)')
  return input
}

/**
 * `--project-id` (alias `--project`, the Python llamactl 0.10 name): replaces only the project of
 * the resolved credential.
 */
export const projectIdFlag: OptionFlag<string | undefined> = Flags.string({
  aliases: ['project'],
  description: "Project to use instead of the credential's own (alias: --project)",
  parse: parseProjectId,
})

/** `--interactive/--no-interactive`, for commands that may prompt (see `isInteractive` in ui/interactive.ts). */
export const interactiveFlag = Flags.boolean({
  allowNo: true,
  description: 'Prompt for what is missing (default: when stdin and stdout are terminals and CI is not set).',
  helpGroup: 'GLOBAL',
})
