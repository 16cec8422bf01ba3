import {expect} from 'chai'
import {setTimeout as sleep} from 'node:timers/promises'

import {clock, Spinner} from '../../src/ui/spinner.js'

describe('spinner', () => {
  const fakeStream = (isTTY: boolean) => {
    const chunks: string[] = []
    return {chunks, stream: {isTTY, write: (c: string) => chunks.push(c) > 0}}
  }

  it('draws on a terminal, then clears the line and shows the cursor again', async () => {
    const {chunks, stream} = fakeStream(true)
    const spinner = new Spinner(stream, () => 'waiting (code expires in 1:00)')
    spinner.start()
    await sleep(250)
    spinner.stop()
    expect(chunks[0]).to.equal('\u001B[?25l')
    expect(chunks.slice(1, -1).every((c) => c.endsWith('waiting (code expires in 1:00)'))).to.equal(true)
    expect(chunks.length).to.be.greaterThan(2)
    expect(chunks.at(-1)).to.equal('\r\u001B[2K\u001B[?25h')
    spinner.stop()
    expect(chunks.at(-1)).to.equal('\r\u001B[2K\u001B[?25h')
  })

  it('stays quiet when stderr is not a terminal', async () => {
    const {chunks, stream} = fakeStream(false)
    const spinner = new Spinner(stream, () => 'x')
    spinner.start()
    await sleep(150)
    spinner.stop()
    expect(chunks).to.deep.equal([])
  })

  it('draws its text and the lines it prints above itself with control characters made visible', () => {
    const {chunks, stream} = fakeStream(true)
    const spinner = new Spinner(stream, () => 'code AB\u001B[2JCD')
    spinner.start()
    spinner.interrupt('Warning: x\u001B]0;pwned\u0007\ny')
    spinner.stop()
    // Our own cursor and clear-line sequences stay; nothing from the text adds one.
    const drawn = chunks.join('').replaceAll('\u001B[?25l', '').replaceAll('\u001B[?25h', '').replaceAll('\r\u001B[2K', '')
    expect(drawn).not.to.include('\u001B')
    expect(drawn).to.include(String.raw`code AB\u001b[2JCD`)
    expect(drawn).to.include(String.raw`Warning: x\u001b]0;pwned\u0007\u000ay` + '\n')
  })

  it('shows time left as m:ss', () => {
    expect(clock(600)).to.equal('10:00')
    expect(clock(61.2)).to.equal('1:02')
    expect(clock(-3)).to.equal('0:00')
  })
})
