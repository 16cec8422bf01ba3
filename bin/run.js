#!/usr/bin/env node
import {execute} from '@oclif/core'

// oclif sorts the commands of the manifest with localeCompare while it loads, and the first
// localeCompare of a process builds ICU's collator: about 8 ms of CPU, most of what start-up costs
// over a CLI of one command. Command ids are lowercase ASCII words joined by ':' and '-', which
// code-unit order sorts the same way (test/start-up.test.ts checks every id of the manifest), so
// that first sort gets it; the real localeCompare is back as soon as that sort is over.
const {localeCompare} = String.prototype
String.prototype.localeCompare = function (that) {
  queueMicrotask(() => (String.prototype.localeCompare = localeCompare))
  return this < that ? -1 : this > that ? 1 : 0
}

await execute({dir: import.meta.url})
