import {UsageError} from '../errors.js'

/**
 * Reads a secret piped on stdin (`--api-key -`): its first line, without waiting for the end
 * of a stream that may never close, and at most `timeoutMs`.
 */
export async function readSecretFromStdin(stdin: NodeJS.ReadStream = process.stdin, timeoutMs = 30_000): Promise<string> {
  if (stdin.isTTY)
    throw new UsageError(
      '--api-key - reads the key from stdin, but stdin is a terminal',
      'Pipe the key in, e.g. `printenv LLAMA_KEY | llamactl auth token --api-key -`',
    )
  return new Promise((resolve, reject) => {
    let text = ''
    const finish = (error?: Error) => {
      clearTimeout(timer)
      stdin.off('data', onData).off('end', onEnd).off('error', finish)
      stdin.destroy()
      if (error) reject(error)
      else resolve(text.split(/\r?\n/)[0].trim())
    }

    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8')
      if (text.includes('\n')) finish()
    }

    const onEnd = () => finish()
    const timer = setTimeout(
      () => finish(new UsageError(`No API key arrived on stdin within ${timeoutMs / 1000}s`, 'Pipe the key in and close stdin')),
      timeoutMs,
    )
    stdin.on('data', onData).once('end', onEnd).once('error', finish)
  })
}
