import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** What the fake bus does after the handshake: send these bytes, then close (or hold the connection open). */
export interface FakeBusReply {
  bytes: Buffer
  hold?: boolean
}

export interface FakeSessionBus {
  /** DBUS_SESSION_BUS_ADDRESS for a client of this bus. */
  address: string
  /** Connections that reached the end of the handshake (BEGIN). */
  answered: () => number
  stop: () => Promise<void>
}

/**
 * A fake D-Bus session bus on a Unix socket, for replies a real bus never sends: it accepts the
 * client's SASL handshake (AUTH EXTERNAL → OK, then BEGIN), ignores the calls that follow, and
 * answers the n-th connection with `reply(n)`.
 */
export async function startFakeSessionBus(reply: (n: number) => FakeBusReply): Promise<FakeSessionBus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llamactl-fake-bus-'))
  const socketPath = path.join(dir, 'bus')
  const sockets = new Set<net.Socket>()
  let connections = 0
  let answered = 0
  const server = net.createServer((socket) => {
    const n = connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {}) // the client hangs up whenever it has seen enough
    let text = ''
    let state: 'auth' | 'begin' | 'done' = 'auth'
    socket.on('data', (chunk) => {
      if (state === 'done') return
      text += chunk.toString('latin1')
      if (state === 'auth' && text.includes('\r\n')) {
        text = text.slice(text.indexOf('\r\n') + 2)
        state = 'begin'
        socket.write('OK 0123456789abcdef0123456789abcdef\r\n')
      }

      if (state === 'begin' && text.includes('BEGIN\r\n')) {
        state = 'done'
        answered++
        const {bytes, hold} = reply(n)
        socket.write(bytes)
        if (!hold) socket.end()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => resolve())
  })
  return {
    address: `unix:path=${socketPath}`,
    answered: () => answered,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, {force: true, recursive: true})
    },
  }
}

/** Little-endian D-Bus marshalling of the few shapes the fuzz test needs, byte by byte. */
export class Marshal {
  private bytes: number[] = []

  get length(): number {
    return this.bytes.length
  }

  buffer(): Buffer {
    return Buffer.from(this.bytes)
  }

  byte(value: number): this {
    this.bytes.push(value & 0xff)
    return this
  }

  /** Overwrites the uint32 at `at` (an array's length, known once its elements are written). */
  patchUint32(at: number, value: number): this {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(value >>> 0)
    this.bytes.splice(at, 4, ...b)
    return this
  }

  pad(to: number): this {
    while (this.bytes.length % to !== 0) this.bytes.push(0)
    return this
  }

  raw(bytes: Buffer | number[]): this {
    this.bytes.push(...bytes)
    return this
  }

  signature(text: string): this {
    return this.byte(text.length).raw(Buffer.from(text, 'latin1')).byte(0)
  }

  string(text: string): this {
    const bytes = Buffer.from(text)
    return this.uint32(bytes.length).raw(bytes).byte(0)
  }

  uint32(value: number): this {
    this.pad(4)
    const b = Buffer.alloc(4)
    b.writeUInt32LE(value >>> 0)
    return this.raw(b)
  }
}

/**
 * A whole message (little-endian) of `type` (2: method return, 3: error) replying to serial
 * `replySerial`, with this body signature and body bytes.
 */
export function replyMessage({body, replySerial = 2, signature, type = 2}: {body: Buffer; replySerial?: number; signature: string; type?: number}): Buffer {
  const fields = new Marshal()
  // Fields start at offset 16 of the message, so 8-alignment within `fields` is alignment in the message.
  fields.pad(8).byte(5).signature('u').uint32(replySerial)
  if (signature) fields.pad(8).byte(8).signature('g').signature(signature)
  if (type === 3) fields.pad(8).byte(4).signature('s').string('org.freedesktop.DBus.Error.Failed')
  const header = new Marshal()
  header.byte(0x6c).byte(type).byte(0).byte(1).uint32(body.length).uint32(7).uint32(fields.length).raw(fields.buffer())
  header.pad(8)
  return Buffer.concat([header.buffer(), body])
}

/** The body of SearchItems' answer (`aoao`): unlocked and locked item paths. */
export function searchItemsBody(unlocked: string[], locked: string[]): Buffer {
  const m = new Marshal()
  for (const list of [unlocked, locked]) {
    m.pad(4)
    const lengthAt = m.length
    m.uint32(0)
    const start = m.length
    for (const item of list) m.string(item)
    m.patchUint32(lengthAt, m.length - start)
  }

  return m.buffer()
}

/** The body of Properties.Get's answer for a boolean (`v` holding `b`). */
export function booleanVariantBody(value: boolean): Buffer {
  return new Marshal()
    .signature('b')
    .uint32(value ? 1 : 0)
    .buffer()
}
