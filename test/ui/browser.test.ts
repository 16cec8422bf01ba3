import {expect} from 'chai'
import {chmodSync, copyFileSync, existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {browserCommands, openBrowser, splitBrowserSetting} from '../../src/ui/browser.js'
import {ROOT, tempConfigDir} from '../support/cli.js'

const RECORDER = path.join(ROOT, 'test', 'support', 'argv-recorder.mjs')
const URL_ = 'https://login.example.com/device?user_code=ABCD-EFGH'

/** Waits (bounded) for the argv recorder's lines. */
async function recorded(log: string, lines = 1): Promise<string[][]> {
  for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').split('\n').filter(Boolean).length >= lines); i++) await sleep(50)
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[])
    : []
}

describe('browser opener', () => {
  let dir: string
  let cleanup: () => void
  let log: string
  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    log = path.join(dir, 'argv.log')
  })
  afterEach(() => cleanup())

  it('uses the platform opener without $BROWSER, and never cmd on Windows (it would read & | % in the URL)', () => {
    expect(browserCommands(URL_, {}, 'linux')).to.deep.equal([{args: [URL_], program: 'xdg-open'}])
    expect(browserCommands(URL_, {}, 'darwin')).to.deep.equal([{args: [URL_], program: 'open'}])
    expect(browserCommands('https://x/?a=1&b=2|calc', {}, 'win32')).to.deep.equal([
      {args: ['url.dll,FileProtocolHandler', 'https://x/?a=1&b=2|calc'], program: 'rundll32'},
    ])
  })

  it('runs a $BROWSER with arguments as program + arguments + URL ("firefox --new-window")', () => {
    expect(browserCommands(URL_, {BROWSER: 'firefox --new-window'}, 'linux')).to.deep.equal([{args: ['--new-window', URL_], program: 'firefox'}])
    expect(browserCommands(URL_, {BROWSER: '  chromium  '}, 'linux')).to.deep.equal([{args: [URL_], program: 'chromium'}])
  })

  it('puts the URL where $BROWSER says %s (and then not at the end); %% is a percent sign', () => {
    expect(browserCommands(URL_, {BROWSER: 'chromium --app=%s --flag'}, 'linux')).to.deep.equal([{args: [`--app=${URL_}`, '--flag'], program: 'chromium'}])
    expect(browserCommands(URL_, {BROWSER: 'echo 100%% %s'}, 'linux')).to.deep.equal([{args: ['100%', URL_], program: 'echo'}])
  })

  it('reads quotes and backslashes like a shell (no expansion), and a colon-separated list as commands to try in turn', () => {
    expect(splitBrowserSetting(`'/opt/my browser' --a "b c" d\\ e $HOME`, 'linux')).to.deep.equal([['/opt/my browser', '--a', 'b c', 'd e', '$HOME']])
    expect(splitBrowserSetting('w3m:firefox --new-window::"x:y"', 'linux')).to.deep.equal([['w3m'], ['firefox', '--new-window'], ['x:y']])
    // On Windows the list separator is ; and backslashes are directory separators.
    expect(splitBrowserSetting('C:\\Tools\\browser.exe --x;edge', 'win32')).to.deep.equal([['C:\\Tools\\browser.exe', '--x'], ['edge']])
  })

  it('takes a $BROWSER that is the path of an existing program as that program, spaces and all', () => {
    const spaced = path.join(dir, 'my browser.mjs')
    copyFileSync(RECORDER, spaced)
    chmodSync(spaced, 0o755)
    expect(browserCommands(URL_, {BROWSER: spaced}, 'linux')).to.deep.equal([{args: [URL_], program: spaced}])
  })

  it('starts the real program with its arguments and the URL as one argument of its own', async () => {
    expect(await openBrowser(URL_, {env: {...process.env, BROWSER: `${RECORDER} --new-window`, LLAMACTL_TEST_ARGV_LOG: log}})).to.deep.equal({ok: true})
    expect(await recorded(log)).to.deep.equal([['--new-window', URL_]])
  })

  it('falls through a colon-separated $BROWSER list to the first program that starts', async () => {
    const result = await openBrowser(URL_, {env: {...process.env, BROWSER: `/nonexistent/browser:${RECORDER} --second`, LLAMACTL_TEST_ARGV_LOG: log}})
    expect(result).to.deep.equal({ok: true})
    expect(await recorded(log)).to.deep.equal([['--second', URL_]])
  })

  it('refuses to open anything but an absolute http(s) URL, starting nothing (an option-looking value is not passed on)', async () => {
    const env = {...process.env, BROWSER: RECORDER, LLAMACTL_TEST_ARGV_LOG: log}
    for (const hostile of ['--renderer-cmd-prefix=touch /tmp/x', 'file:///etc/passwd', 'javascript:alert(1)', '/device'])
      expect((await openBrowser(hostile, {env})).ok, hostile).to.equal(false)
    await sleep(300)
    expect(existsSync(log), 'the browser was never started').to.equal(false)
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
    expect(await openBrowser('http://127.0.0.1/', {env: {...process.env, BROWSER: 'false'}, onLateFailure: (m) => told(m)})).to.deep.equal({ok: true})
    expect(await Promise.race([late, sleep(5000).then(() => 'timed out')])).to.equal('false exited with code 1')
  })
})
