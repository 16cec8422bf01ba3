#!/usr/bin/env -S node --
// The `--` ends node's own options: node 20 otherwise reads `--env-file FILE` anywhere on its
// command line, even among the command's arguments (nodejs/node#54232), and would apply FILE's
// NODE_OPTIONS (code to --require) or stop (exit 9, FILE missing) before llamactl starts.
// `auth inject --env-file .env` is the Python llamactl's spelling, so it must reach the command.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
