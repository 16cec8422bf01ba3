import {expect} from 'chai'
import {setTimeout as sleep} from 'node:timers/promises'

import {browserCommand, openBrowser} from '../../src/ui/browser.js'

describe('browser opener', () => {
  it('uses $BROWSER with the URL as its one argument, else the platform opener', () => {
    expect(browserCommand('http://x/?a=1', {BROWSER: '/opt/my browser'})).to.deep.equal({args: ['http://x/?a=1'], program: '/opt/my browser'})
    expect(browserCommand('http://x/', {}, 'linux')).to.deep.equal({args: ['http://x/'], program: 'xdg-open'})
    expect(browserCommand('http://x/', {}, 'darwin')).to.deep.equal({args: ['http://x/'], program: 'open'})
    expect(browserCommand('http://x/?a=1&b=2', {}, 'win32').program).to.equal('cmd')
  })

  it('reports a browser that cannot start instead of throwing', async () => {
    expect(await openBrowser('http://127.0.0.1/', {env: {BROWSER: '/nonexistent/browser'}})).to.deep.equal({
      error: '/nonexistent/browser was not found',
      ok: false,
    })
  })

  it('tells later when the browser exits with a failure', async () => {
    let told: (message: string) => void
    const late = new Promise<string>((resolve) => {
      told = resolve
    })
    expect(await openBrowser('http://127.0.0.1/', {env: {BROWSER: 'false'}, onLateFailure: (m) => told(m)})).to.deep.equal({ok: true})
    expect(await Promise.race([late, sleep(5000).then(() => 'timed out')])).to.equal('false exited with code 1')
  })
})
