import {expect} from 'chai'
import {PassThrough, Writable} from 'node:stream'

import {EnquirerPrompter} from '../../src/ui/prompter.js'

describe('EnquirerPrompter', () => {
  it('draws a hostile question and choice labels with control characters made visible (stdin: a stream standing in for a TTY)', async () => {
    // Enquirer reads keys only from a TTY; this stream says it is one and takes raw mode as a no-op.
    const stdin = Object.assign(new PassThrough(), {isRaw: false, isTTY: true, setRawMode: () => stdin})
    let screen = ''
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        screen += String(chunk)
        done()
      },
    })
    const prompter = new EnquirerPrompter({stdin, stdout})
    const picked = prompter.select('Pick\u001B]0;title\u0007', [
      {label: 'Evil\u001B]0;pwned\u0007', value: 'p1'},
      {label: 'line\nbreak\u009B2J', value: 'p2'},
    ])
    // Enquirer reads keypresses once the prompt is drawn; move down once, then confirm.
    setTimeout(() => stdin.write('\u001B[B'), 50)
    setTimeout(() => stdin.write('\r'), 100)
    expect(await picked).to.equal('p2')
    expect(screen).to.include(String.raw`Evil\u001b]0;pwned\u0007`)
    expect(screen).to.include(String.raw`line\u000abreak\u009b2J`)
    expect(screen).to.include(String.raw`Pick\u001b]0;title\u0007`)
    expect(screen).not.to.include('\u001B]')
    expect(screen).not.to.include('\u009B')
  })
})
