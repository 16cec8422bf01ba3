import {expect} from 'chai'

import {isInteractive} from '../../src/ui/interactive.js'

describe('isInteractive', () => {
  const tty = {ci: false, stdinIsTTY: true, stdoutIsTTY: true}
  it('is interactive on two terminals without CI, and the flag overrides', () => {
    expect(isInteractive(undefined, tty)).to.equal(true)
    expect(isInteractive(undefined, {...tty, ci: true})).to.equal(false)
    expect(isInteractive(undefined, {...tty, stdinIsTTY: false})).to.equal(false)
    expect(isInteractive(undefined, {...tty, stdoutIsTTY: false})).to.equal(false)
    expect(isInteractive(false, tty)).to.equal(false)
    expect(isInteractive(true, {ci: true, stdinIsTTY: false, stdoutIsTTY: false})).to.equal(true)
  })
})
