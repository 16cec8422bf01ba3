import type {Hook} from '@oclif/core'
import module from 'node:module'
import path from 'node:path'

/**
 * `init`, before oclif imports the command: Node's compile cache for what the command then loads,
 * in the CLI's cache dir (the user's own, never the shared tmp dir). bin/run.js turns it on for the
 * standalone CLI; inside a host whose bin doesn't, this does, so our modules are not compiled
 * again at every run. Where it is on already (or NODE_DISABLE_COMPILE_CACHE is set) Node keeps
 * things as they are.
 */
const hook: Hook<'init'> = async function () {
  module.enableCompileCache?.(path.join(this.config.cacheDir, 'compile-cache'))
}

export default hook
