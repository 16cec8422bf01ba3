import {UsageError} from './errors.js'

/** Reads a secret piped on stdin (`--api-key -`), up to the first newline. */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY)
    throw new UsageError('--api-key - reads the key from stdin, but stdin is a terminal', 'Pipe the key in, e.g. `printenv LLAMA_KEY | llamactl auth token --api-key -`')
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0].trim()
}
