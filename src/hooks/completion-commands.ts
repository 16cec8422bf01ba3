import type {Hook} from '@oclif/core'

import {writeCommandTree} from '../services/command-tree.js'

/**
 * `plugins:postinstall` and `plugins:postuninstall`: the command tree TABs read, written again
 * from the Config that has the plugin (un)installed, so the next TAB needn't load oclif to see it.
 */
const hook: Hook<'plugins:postinstall'> = async function (options) {
  writeCommandTree(options.config)
}

export default hook
