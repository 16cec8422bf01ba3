#!/usr/bin/env node
// Same entry point as the real CLI's bin/run.js. @oclif/core resolves from the repo root's node_modules.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
