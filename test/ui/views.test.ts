import {expect} from 'chai'

import {table} from '../../src/ui/views.js'

describe('views', () => {
  it('table escapes control characters in cells, so a cell with a line break cannot add a row', () => {
    const out = table(['', 'NAME', 'PROJECT'], [['*', 'work', 'p1'], ['', 'x\n*  forged', 'p\u001B[2J']])
    expect(out.split('\n')).to.deep.equal([
      '   NAME              PROJECT',
      '*  work              p1',
      String.raw`   x\u000a*  forged  p\u001b[2J`,
    ])
  })
})
