import {expect} from 'chai'
import {spawn} from 'node:child_process'
import path from 'node:path'

import {defaultCollectionLocked, secretItemState, sessionBusAddresses} from '../../src/net/secret-service.js'
import {ROOT} from '../support/cli.js'
import {booleanVariantBody, FakeBusReply, Marshal, replyMessage, searchItemsBody, startFakeSessionBus} from '../support/fake-session-bus.js'
import {PrivateKeyring, startPrivateKeyring} from '../support/keychain.js'

/** Stores an entry with keytar itself, in a child on the private keyring's bus (this process's keytar is bound to another bus). */
function keytarSet(keyring: PrivateKeyring, account: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = `require('keytar').setPassword('llamactl', ${JSON.stringify(account)}, 'secret').then(() => process.exit(0), () => process.exit(3))`
    const child = spawn(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: {...process.env, DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS},
      stdio: 'inherit',
    })
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`keytar exited ${code}`))))
  })
}

describe('the Secret Service client (locked or absent, which keytar cannot tell)', function () {
  this.timeout(60_000)

  describe('against a real gnome-keyring in its own D-Bus session', () => {
    let keyring: PrivateKeyring
    let env: NodeJS.ProcessEnv
    before(async () => {
      keyring = await startPrivateKeyring()
      env = {DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS}
    })
    after(async () => keyring.stop())

    it('tells an unlocked entry, an absent one and a locked one apart, and whether the default collection is locked', async () => {
      await keytarSet(keyring, 'profile:present')
      expect(await secretItemState({account: 'profile:present', service: 'llamactl'}, {env})).to.equal('unlocked')
      expect(await secretItemState({account: 'profile:absent', service: 'llamactl'}, {env})).to.equal('absent')
      expect(await defaultCollectionLocked({env})).to.equal(false)
      await keyring.lock()
      expect(await secretItemState({account: 'profile:present', service: 'llamactl'}, {env})).to.equal('locked')
      expect(await secretItemState({account: 'profile:absent', service: 'llamactl'}, {env})).to.equal('absent')
      expect(await defaultCollectionLocked({env})).to.equal(true)
    })
  })

  it('answers "can\'t tell" (undefined) at once where there is no session bus', async () => {
    const started = Date.now()
    expect(await secretItemState({account: 'a', service: 'llamactl'}, {env: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}})).to.equal(undefined)
    expect(await defaultCollectionLocked({env: {}})).to.equal(undefined)
    expect(Date.now() - started).to.be.lessThan(2000)
  })

  it('reads bus addresses as GIO does: path, abstract, tcp, a list, escapes, and $XDG_RUNTIME_DIR/bus when unset', () => {
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus'})).to.deep.equal([{path: '/run/user/1000/bus'}])
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x,guid=ab;tcp:host=localhost,port=4000'})).to.deep.equal([
      {path: '\0/tmp/dbus-x'},
      {host: 'localhost', port: 4000},
    ])
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/a%20b'})).to.deep.equal([{path: '/tmp/a b'}])
    expect(sessionBusAddresses({XDG_RUNTIME_DIR: '/nonexistent'})).to.deep.equal([])
  })
})

describe('the Secret Service client against a fake session bus (malformed replies a real bus never sends)', function () {
  // The client runs in a child with a small heap (test/support/secret-service-asker.ts): a decoder
  // that loops or allocates without bound then fails this test instead of wedging the runner.
  this.timeout(180_000)

  const SEARCH = 0 // even questions: an item's state (reply `aoao`); odd: the collection's Locked (reply `v`)
  const valid = (n: number) =>
    n % 2 === SEARCH
      ? replyMessage({body: searchItemsBody([], ['/org/freedesktop/secrets/collection/login/1']), signature: 'aoao'})
      : replyMessage({body: booleanVariantBody(true), signature: 'v'})

  /** Asks `count` questions of a fake bus answering with `reply(n)`; each answer and its time, and the child's stderr and exit. */
  async function ask(count: number, reply: (n: number) => FakeBusReply, boundMs: number) {
    const bus = await startFakeSessionBus(reply)
    try {
      const child = spawn(
        process.execPath,
        ['--max-old-space-size=64', '--import', 'tsx', path.join(ROOT, 'test/support/secret-service-asker.ts'), String(count)],
        {
          cwd: ROOT,
          env: {...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address, XDG_RUNTIME_DIR: undefined},
        },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs)
      const code = await new Promise<null | number>((resolve) => child.on('close', (c) => resolve(c)))
      clearTimeout(timer)
      const answers = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as {i: number; ms: number; result: boolean | null | string})
      return {answers, code, stderr}
    } finally {
      await bus.stop()
    }
  }

  it('answers from a well-formed reply of the fake bus (so the malformed cases below test the decoder, not the fake)', async () => {
    const {answers, code, stderr} = await ask(2, (n) => ({bytes: valid(n)}), 30_000)
    expect(stderr).to.equal('')
    expect(code).to.equal(0)
    expect(answers.map((a) => a.result)).to.deep.equal(['locked', true])
  })

  it('answers "can\'t tell" at once for each malformed reply reported: a() with a length, ((, out-of-range lengths, a string where arrays belong', async () => {
    const cases: Array<[string, Buffer]> = [
      ['a() of 8 bytes', replyMessage({body: new Marshal().uint32(8).pad(8).raw(Buffer.alloc(8)).buffer(), signature: 'a()'})],
      ['a signature ((', replyMessage({body: Buffer.alloc(8), signature: '(('})],
      ['an array length past the end', replyMessage({body: new Marshal().uint32(0xff_ff_ff_f0).buffer(), signature: 'aoao'})],
      ['a string length past the end', replyMessage({body: new Marshal().uint32(4).uint32(0xff_ff_ff_ff).buffer(), signature: 'aoao'})],
      [
        'a body length of 4 GiB',
        Buffer.concat([
          replyMessage({body: Buffer.alloc(0), signature: ''}).subarray(0, 4),
          Buffer.from([0xff, 0xff, 0xff, 0xff]),
          replyMessage({body: Buffer.alloc(0), signature: ''}).subarray(8),
        ]),
      ],
      ['a reply typed s', replyMessage({body: new Marshal().string('unlocked').buffer(), signature: 's'})],
      ['a reply typed s (collection)', replyMessage({body: new Marshal().string('true').buffer(), signature: 's'})],
      ['a variant holding a string', replyMessage({body: new Marshal().signature('s').string('yes').buffer(), signature: 'v'})],
      ['an error reply', replyMessage({body: new Marshal().string('no').buffer(), signature: 's', type: 3})],
      ['not D-Bus at all', Buffer.from('HTTP/1.1 200 OK\r\n\r\n'.repeat(4))],
    ]
    const {answers, code, stderr} = await ask(cases.length, (n) => ({bytes: cases[n][1]}), 60_000)
    expect(stderr, 'no stack trace, no heap exhaustion').to.equal('')
    expect(code).to.equal(0)
    expect(answers).to.have.length(cases.length)
    for (const answer of answers) {
      expect(answer.result, cases[answer.i][0]).to.equal(null)
      expect(answer.ms, cases[answer.i][0]).to.be.lessThan(1500)
    }
  })

  it('settles within its 2 s deadline when the fake bus sends half a message and then nothing', async () => {
    const whole = valid(0)
    const {answers, code, stderr} = await ask(2, (n) => ({bytes: n === 0 ? whole.subarray(0, 30) : Buffer.alloc(0), hold: true}), 30_000)
    expect(stderr).to.equal('')
    expect(code).to.equal(0)
    for (const answer of answers) {
      expect(answer.result).to.equal(null)
      expect(answer.ms).to.be.within(1900, 3000)
    }
  })

  it('survives 3,000 random and mutated replies from the fake bus: no crash, no hang, each answered in time', async () => {
    // A seeded generator (mulberry32), so a failure names a reproducible case.
    const seed = Date.now() >>> 0
    let state = seed
    const random = () => {
      state = (state + 0x6d_2b_79_f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    }

    const int = (n: number) => Math.floor(random() * n)
    const CODES = 'ybnqiuxtdsogvha(){}'
    const randomBytes = (n: number) => Buffer.from(Array.from({length: n}, () => int(256)))
    const mutate = (base: Buffer): Buffer => {
      const bytes = Buffer.from(base)
      const kind = int(4)
      if (kind === 0) for (let k = 1 + int(4); k > 0; k--) bytes[int(bytes.length)] = int(256)
      if (kind === 1) return bytes.subarray(0, int(bytes.length))
      if (kind === 2) bytes.writeUInt32LE(int(2) ? int(64) : Math.floor(random() * 2 ** 32), 4 * int(Math.floor(bytes.length / 4)))
      if (kind === 3) return Buffer.concat([bytes, randomBytes(int(32))])
      return bytes
    }

    const reply = (n: number): Buffer => {
      const kind = int(3)
      if (kind === 0) return randomBytes(int(200))
      if (kind === 1) {
        const signature = Array.from({length: 1 + int(6)}, () => CODES[int(CODES.length)]).join('')
        return replyMessage({body: randomBytes(int(64)), signature})
      }

      return mutate(valid(n))
    }

    const COUNT = 3000
    const replies = Array.from({length: COUNT}, (_, n) => reply(n))
    const {answers, code, stderr} = await ask(COUNT, (n) => ({bytes: replies[n]}), 150_000)
    const context = `seed ${seed}; last answered ${answers.length}/${COUNT}`
    expect(stderr, context).to.equal('')
    expect(code, context).to.equal(0)
    expect(answers, context).to.have.length(COUNT)
    for (const answer of answers) {
      const allowed = answer.i % 2 === SEARCH ? [null, 'absent', 'locked', 'unlocked'] : [null, true, false]
      expect(allowed, `${context}; reply ${answer.i}: ${replies[answer.i].toString('hex')}`).to.include(answer.result)
      expect(answer.ms, `${context}; reply ${answer.i}`).to.be.lessThan(2500)
    }
  })
})
