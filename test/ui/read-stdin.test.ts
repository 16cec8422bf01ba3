import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import {CliError} from '../../src/errors.js'
import {readSecretFromStdin} from '../../src/ui/read-stdin.js'

describe('readSecretFromStdin (--api-key -)', () => {
  const pipe = () => new PassThrough() as unknown as NodeJS.ReadStream

  it('takes the first line as soon as it arrives, without waiting for the stream to close', async () => {
    const stdin = pipe()
    const reading = readSecretFromStdin(stdin, 5000)
    ;(stdin as unknown as PassThrough).write('  llx-key-123  \nsecond line')
    expect(await reading).to.equal('llx-key-123')
  })

  it('takes a key without a newline when the stream ends', async () => {
    const stdin = pipe()
    const reading = readSecretFromStdin(stdin, 5000)
    ;(stdin as unknown as PassThrough).end('llx-key-456')
    expect(await reading).to.equal('llx-key-456')
  })

  it('gives up on a stream that never sends a line', async () => {
    const error = await readSecretFromStdin(pipe(), 100).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).line).to.include('No API key arrived on stdin within 0.1s')
  })
})
