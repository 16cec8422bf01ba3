#!/usr/bin/env node
// A stand-in `$BROWSER` that only records how it was called: one JSON line with its arguments
// appended to $LLAMACTL_TEST_ARGV_LOG. It opens nothing.
import {appendFileSync} from 'node:fs'

appendFileSync(process.env.LLAMACTL_TEST_ARGV_LOG, `${JSON.stringify(process.argv.slice(2))}\n`)
