import {type CommandTree, writeCommandTree} from '../services/command-tree.js'

/**
 * The command tree when the one written for TABs is missing or stale: oclif's own Config is
 * loaded (its discovery of core, user and linked plugins), once, and the tree written again to
 * `cacheDir`, where the completer looks for it. oclif is loaded only here.
 */
export async function loadCommandTree(root: string, cacheDir: string): Promise<CommandTree> {
  const {Config} = await import('@oclif/core')
  return writeCommandTree(await Config.load(root), cacheDir, root)
}
