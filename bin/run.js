#!/usr/bin/env -S node --
// The `--` ends node's own options: node 20 otherwise reads `--env-file FILE` anywhere on its
// command line, even among the command's arguments (nodejs/node#54232), and would apply FILE's
// NODE_OPTIONS (code to --require) or stop (exit 9, FILE missing) before llamactl starts.
// `auth inject --env-file .env` is the Python llamactl's spelling, so it must reach the command.
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

// A completion script of the Python llamactl calls llamactl with _LLAMACTL_COMPLETE set (click's
// protocol): the completer answers it, and oclif is never loaded.
if (process.env._LLAMACTL_COMPLETE) (await import('../dist/completion/complete.js')).answerClick(process.env._LLAMACTL_COMPLETE)
else await (await import('@oclif/core')).execute({dir: import.meta.url})
