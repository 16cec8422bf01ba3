import {existsSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'

/*
 * Just enough of D-Bus to ask the Secret Service (the freedesktop.org keychain API served by
 * gnome-keyring, KeePassXC, KWallet) what keytar can't tell us. libsecret, under keytar, answers
 * "not found" for an entry in a locked collection and "nothing deleted" for a delete of one when
 * no unlock prompt can be shown (SSH, headless), so a locked keychain looks empty. The Secret
 * Service itself knows: `SearchItems` returns matching items in two lists, unlocked and locked
 * (item attributes stay searchable while locked), and a collection has a `Locked` property.
 * Python's keyring (through secretstorage) asks the same way. A dependency-free client (no
 * native module, no helper program such as gdbus or busctl that a machine may lack), loaded
 * only after keytar answered "nothing" or failed.
 */

const SERVICE = 'org.freedesktop.secrets'
const SERVICE_PATH = '/org/freedesktop/secrets'
const DEFAULT_COLLECTION = '/org/freedesktop/secrets/aliases/default'

export interface SecretServiceOptions {
  /** Where DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are read (default: process.env, the bus keytar uses). */
  env?: NodeJS.ProcessEnv
  /** Bound on the whole exchange (default 2 s). */
  timeoutMs?: number
}

/**
 * Whether the Secret Service holds an item with these attributes, and whether it is locked.
 * Undefined when it can't be asked (no session bus, no Secret Service, no answer in time).
 */
export async function secretItemState(
  attributes: Record<string, string>,
  options: SecretServiceOptions = {},
): Promise<'absent' | 'locked' | 'unlocked' | undefined> {
  const reply = await ask(options, {
    body: [Object.entries(attributes)],
    destination: SERVICE,
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    path: SERVICE_PATH,
    replySignature: 'aoao',
    signature: 'a{ss}',
  })
  if (!reply) return undefined
  const [unlocked, locked] = reply as [string[], string[]]
  if (locked.length > 0) return 'locked'
  return unlocked.length > 0 ? 'unlocked' : 'absent'
}

/** Whether the default collection (where new entries go) is locked; undefined when it can't be asked. */
export async function defaultCollectionLocked(options: SecretServiceOptions = {}): Promise<boolean | undefined> {
  const reply = await ask(options, {
    body: ['org.freedesktop.Secret.Collection', 'Locked'],
    destination: SERVICE,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    path: DEFAULT_COLLECTION,
    replySignature: 'v',
    signature: 'ss',
  })
  const value = (reply?.[0] as undefined | Variant)?.value
  return typeof value === 'boolean' ? value : undefined
}

/**
 * One method call on the session bus; undefined on any failure, never a hang: one deadline for
 * all the bus's addresses, and a reply of any other signature than the method's counts as none.
 */
async function ask(options: SecretServiceOptions, call: MethodCall & {replySignature: string}): Promise<undefined | unknown[]> {
  const addresses = sessionBusAddresses(options.env ?? process.env)
  const deadline = Date.now() + (options.timeoutMs ?? 2000)
  for (const address of addresses) {
    const left = deadline - Date.now()
    if (left <= 0) break
    const reply = await callOnce(address, call, left).catch(() => undefined)
    if (reply?.signature === call.replySignature) return reply.body
  }

  return undefined
}

type Address = {host: string; port: number} | {path: string}

/** The session bus as GIO (hence keytar) finds it: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. */
export function sessionBusAddresses(env: NodeJS.ProcessEnv): Address[] {
  const value = env.DBUS_SESSION_BUS_ADDRESS
  if (!value) {
    const runtime = env.XDG_RUNTIME_DIR && path.join(env.XDG_RUNTIME_DIR, 'bus')
    return runtime && existsSync(runtime) ? [{path: runtime}] : []
  }

  const addresses: Address[] = []
  for (const entry of value.split(';')) {
    const colon = entry.indexOf(':')
    const transport = entry.slice(0, colon)
    const keys = new Map(
      entry
        .slice(colon + 1)
        .split(',')
        .map((pair) => pair.split('=', 2).map((part) => decodeURIComponent(part ?? '')) as [string, string]),
    )
    if (transport === 'unix' && keys.has('path')) addresses.push({path: keys.get('path')!})
    // Node reaches Linux abstract sockets through a leading NUL.
    else if (transport === 'unix' && keys.has('abstract')) addresses.push({path: `\0${keys.get('abstract')}`})
    else if (transport === 'tcp' && keys.has('port')) addresses.push({host: keys.get('host') || '127.0.0.1', port: Number(keys.get('port'))})
  }

  return addresses
}

interface MethodCall {
  body: unknown[]
  destination: string
  interface: string
  member: string
  path: string
  signature: string
}

interface Variant {
  signature: string
  value: unknown
}

/**
 * Connects, authenticates (EXTERNAL: the kernel vouches for our uid), says Hello, makes the call.
 * Whatever the other end sends (it may not be a bus at all), this settles by the deadline: every
 * decoding error rejects, and what is buffered is bounded.
 */
function callOnce(address: Address, call: MethodCall, timeoutMs: number): Promise<{body: unknown[]; signature: string}> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address as net.NetConnectOpts)
    const timer = setTimeout(() => finish(new Error('no answer from the session bus')), timeoutMs)
    timer.unref()
    let buffer = Buffer.alloc(0)
    let authenticated = false
    const finish = (error: Error | null, reply?: {body: unknown[]; signature: string}) => {
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(reply!)
    }

    socket.on('error', (error) => finish(error))
    socket.on('close', () => finish(new Error('the session bus closed the connection')))
    socket.on('connect', () => {
      const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')
      socket.write(`\0AUTH EXTERNAL ${uid}\r\n`)
    })
    socket.on('data', (chunk: Buffer) => {
      try {
        received(chunk)
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)))
      }
    })

    function received(chunk: Buffer): void {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length > MAX_MESSAGE) throw new Error('the session bus sent more than this client reads')
      if (!authenticated) {
        const end = buffer.indexOf('\r\n')
        if (end < 0) return
        const line = buffer.subarray(0, end).toString('latin1')
        buffer = buffer.subarray(end + 2)
        if (!line.startsWith('OK ')) return finish(new Error(`the session bus refused us: ${line}`))
        authenticated = true
        socket.write('BEGIN\r\n')
        socket.write(
          encodeCall(
            {body: [], destination: 'org.freedesktop.DBus', interface: 'org.freedesktop.DBus', member: 'Hello', path: '/org/freedesktop/DBus', signature: ''},
            1,
          ),
        )
        socket.write(encodeCall(call, 2))
      }

      for (;;) {
        const message = takeMessage()
        if (!message) return
        if (message.replySerial !== 2) continue // Hello's reply, NameAcquired and other signals
        if (message.type === MESSAGE_ERROR) return finish(new Error(`the session bus answered with error ${message.errorName}`))
        if (message.type === MESSAGE_RETURN) return finish(null, {body: message.body, signature: message.signature})
      }
    }

    function takeMessage() {
      if (buffer.length < 16) return undefined
      if (buffer[0] !== 0x6c && buffer[0] !== 0x42) throw new Error('not a D-Bus message (byte order)') // 'l' or 'B'
      if (buffer[3] !== 1) throw new Error('not a D-Bus message (protocol version)')
      const little = buffer[0] === 0x6c
      const fieldsLength = little ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12)
      const bodyLength = little ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4)
      // Checked before adding, so a length near 2^32 can't wrap the sum into something small.
      if (fieldsLength > MAX_MESSAGE || bodyLength > MAX_MESSAGE) throw new Error('a D-Bus message longer than this client reads')
      const bodyStart = align(16 + fieldsLength, 8)
      if (bodyStart + bodyLength > MAX_MESSAGE) throw new Error('a D-Bus message longer than this client reads')
      if (buffer.length < bodyStart + bodyLength) return undefined
      const bytes = buffer.subarray(0, bodyStart + bodyLength)
      buffer = buffer.subarray(bodyStart + bodyLength)
      return decodeMessage(bytes)
    }
  })
}

/**
 * The most this client buffers or decodes, in bytes. The replies it waits for are a few hundred
 * bytes (the items of one account, a boolean); the specification's 128 MiB would let a hostile
 * bus make it allocate that much.
 */
const MAX_MESSAGE = 1 << 20

/** Nesting the specification allows (32 arrays and 32 structs), and a bound on variants inside variants. */
const MAX_NESTING = 32
const MAX_DEPTH = 64

const MESSAGE_CALL = 1
const MESSAGE_RETURN = 2
const MESSAGE_ERROR = 3

const FIELD_PATH = 1
const FIELD_INTERFACE = 2
const FIELD_MEMBER = 3
const FIELD_ERROR_NAME = 4
const FIELD_REPLY_SERIAL = 5
const FIELD_DESTINATION = 6
const FIELD_SIGNATURE = 8

const align = (offset: number, to: number) => Math.ceil(offset / to) * to

/** A method call message, little-endian (the byte order is the sender's choice). */
function encodeCall(call: MethodCall, serial: number): Buffer {
  const body = new Writer()
  if (call.signature) body.write(call.signature, call.body)
  const header = new Writer()
  header.byte(0x6c)
  header.byte(MESSAGE_CALL)
  header.byte(0) // flags
  header.byte(1) // protocol version
  header.uint32(body.length)
  header.uint32(serial)
  const fields: Array<[number, Variant]> = [
    [FIELD_PATH, {signature: 'o', value: call.path}],
    [FIELD_INTERFACE, {signature: 's', value: call.interface}],
    [FIELD_MEMBER, {signature: 's', value: call.member}],
    [FIELD_DESTINATION, {signature: 's', value: call.destination}],
  ]
  if (call.signature) fields.push([FIELD_SIGNATURE, {signature: 'g', value: call.signature}])
  header.write('a(yv)', [fields])
  header.pad(8)
  return Buffer.concat([header.bytes(), body.bytes()])
}

/** A received message's type, reply serial, error name, body and its signature; throws on anything malformed. */
function decodeMessage(bytes: Buffer): {body: unknown[]; errorName?: string; replySerial?: number; signature: string; type: number} {
  const reader = new Reader(bytes, bytes[0] === 0x6c)
  reader.offset = 12
  const [fields] = reader.read('a(yv)') as [Array<[number, Variant]>]
  const field = (code: number, signature: string) => {
    const variant = fields.find(([c]) => c === code)?.[1]
    if (variant && variant.signature !== signature) throw new Error(`D-Bus header field ${code} of type ${variant.signature}`)
    return variant?.value
  }

  reader.offset = align(reader.offset, 8)
  const signature = (field(FIELD_SIGNATURE, 'g') as string | undefined) ?? ''
  const body = reader.read(signature)
  if (reader.offset !== bytes.length) throw new Error('a D-Bus body longer or shorter than its signature')
  return {
    body,
    errorName: field(FIELD_ERROR_NAME, 's') as string | undefined,
    replySerial: field(FIELD_REPLY_SERIAL, 'u') as number | undefined,
    signature,
    type: bytes[1],
  }
}

/** The alignment of a type code (D-Bus specification, "Marshaling"). */
function alignmentOf(code: string): number {
  if ('ybgv'.includes(code)) return code === 'b' ? 4 : 1
  if ('nq'.includes(code)) return 2
  if ('xtd({'.includes(code)) return 8
  return 4
}

const BASIC = 'ybnqiuxtdsogh'

/**
 * Where the single complete type starting at `i` ends, checked as the specification says: known
 * codes, no empty struct, a dict entry only as an array's element with a basic key and one value,
 * bounded nesting. A malformed signature throws (it could otherwise describe a value of no bytes,
 * which an array would repeat forever).
 */
function typeEnd(signature: string, i: number, arrays = 0, structs = 0, inArray = false): number {
  const code = signature[i]
  if (code === undefined) throw new Error('a D-Bus signature that ends inside a type')
  if (BASIC.includes(code) || code === 'v') return i + 1
  if (code === 'a') {
    if (arrays >= MAX_NESTING) throw new Error('a D-Bus signature nested too deep')
    return typeEnd(signature, i + 1, arrays + 1, structs, true)
  }

  if (code === '(' || (code === '{' && inArray)) {
    if (structs >= MAX_NESTING) throw new Error('a D-Bus signature nested too deep')
    const close = code === '(' ? ')' : '}'
    let j = i + 1
    let members = 0
    while (signature[j] !== close) {
      if (code === '{' && members === 0 && !BASIC.includes(signature[j] ?? '')) throw new Error('a D-Bus dict entry whose key is not a basic type')
      j = typeEnd(signature, j, arrays, structs + 1)
      members++
    }

    if (members === 0 || (code === '{' && members !== 2)) throw new Error(`a D-Bus ${code === '(' ? 'struct' : 'dict entry'} of ${members} members`)
    return j + 1
  }

  throw new Error(`a D-Bus signature with type code ${JSON.stringify(code)}`)
}

/** Splits a signature into its single complete types (at most 255 characters, as the specification allows). */
function types(signature: string): string[] {
  if (signature.length > 255) throw new Error('a D-Bus signature longer than 255 characters')
  const list: string[] = []
  for (let i = 0; i < signature.length;) {
    const end = typeEnd(signature, i)
    list.push(signature.slice(i, end))
    i = end
  }

  return list
}

class Writer {
  private readonly chunks: number[] = []

  get length(): number {
    return this.chunks.length
  }

  byte(value: number): void {
    this.chunks.push(value & 0xff)
  }

  bytes(): Buffer {
    return Buffer.from(this.chunks)
  }

  pad(to: number): void {
    while (this.chunks.length % to !== 0) this.chunks.push(0)
  }

  uint32(value: number): void {
    this.pad(4)
    const b = Buffer.alloc(4)
    b.writeUInt32LE(value)
    this.chunks.push(...b)
  }

  /** Marshals `values` by `signature` (the types this client sends: y u s o g v a ( {). */
  write(signature: string, values: unknown[]): void {
    for (const [i, type] of types(signature).entries()) this.one(type, values[i])
  }

  private one(type: string, value: unknown): void {
    switch (type[0]) {
      case 'y': {
        this.byte(value as number)
        break
      }

      case 'u': {
        this.uint32(value as number)
        break
      }

      case 's':
      case 'o': {
        const text = Buffer.from(value as string)
        this.uint32(text.length)
        this.chunks.push(...text, 0)
        break
      }

      case 'g': {
        this.byte((value as string).length)
        this.chunks.push(...Buffer.from(value as string), 0)
        break
      }

      case 'v': {
        const variant = value as Variant
        this.one('g', variant.signature)
        this.one(variant.signature, variant.value)
        break
      }

      case 'a': {
        this.pad(4)
        const at = this.chunks.length
        this.uint32(0)
        const element = type.slice(1)
        this.pad(alignmentOf(element[0]))
        const start = this.chunks.length
        for (const item of value as unknown[]) this.one(element, item)
        const size = Buffer.alloc(4)
        size.writeUInt32LE(this.chunks.length - start)
        this.chunks.splice(at, 4, ...size)
        break
      }

      case '(':
      case '{': {
        this.pad(8)
        for (const [i, member] of types(type.slice(1, -1)).entries()) this.one(member, (value as unknown[])[i])
        break
      }

      default: {
        throw new Error(`this D-Bus client can't send type ${type}`)
      }
    }
  }
}

/** Reads values out of a received message; every read is bounds-checked and throws past the end. */
class Reader {
  offset = 0
  private depth = 0

  constructor(
    private readonly buffer: Buffer,
    private readonly little: boolean,
  ) {}

  /** Unmarshals values by `signature`. */
  read(signature: string): unknown[] {
    return types(signature).map((type) => this.one(type))
  }

  /** The offset `size` bytes on, after checking those bytes are there. */
  private take(size: number): number {
    const at = this.offset
    if (at + size > this.buffer.length) throw new Error('a D-Bus value past the end of its message')
    this.offset = at + size
    return at
  }

  private uint32(): number {
    const at = this.take(4)
    return this.little ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at)
  }

  private one(type: string): unknown {
    if (++this.depth > MAX_DEPTH) throw new Error('D-Bus values nested too deep')
    try {
      return this.value(type)
    } finally {
      this.depth--
    }
  }

  private value(type: string): unknown {
    this.take(align(this.offset, alignmentOf(type[0])) - this.offset)
    const b = this.buffer
    switch (type[0]) {
      case 'y': {
        return b[this.take(1)]
      }

      case 'b':
      case 'u':
      case 'h': {
        const value = this.uint32()
        return type === 'b' ? value !== 0 : value
      }

      case 'i': {
        const at = this.take(4)
        return this.little ? b.readInt32LE(at) : b.readInt32BE(at)
      }

      case 'n':
      case 'q': {
        const at = this.take(2)
        if (type === 'n') return this.little ? b.readInt16LE(at) : b.readInt16BE(at)
        return this.little ? b.readUInt16LE(at) : b.readUInt16BE(at)
      }

      case 'x':
      case 't': {
        const at = this.take(8)
        if (type === 'x') return this.little ? b.readBigInt64LE(at) : b.readBigInt64BE(at)
        return this.little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)
      }

      case 'd': {
        const at = this.take(8)
        return this.little ? b.readDoubleLE(at) : b.readDoubleBE(at)
      }

      case 's':
      case 'o': {
        const length = this.uint32()
        if (length > b.length) throw new Error('a D-Bus string past the end of its message')
        const at = this.take(length + 1) // and its NUL
        return b.toString('utf8', at, at + length)
      }

      case 'g': {
        const length = b[this.take(1)]
        const at = this.take(length + 1)
        return b.toString('latin1', at, at + length)
      }

      case 'v': {
        const [signature] = this.read('g') as [string]
        if (types(signature).length !== 1) throw new Error('a D-Bus variant of other than one type')
        return {signature, value: this.one(signature)} satisfies Variant
      }

      case 'a': {
        const length = this.uint32()
        this.take(align(this.offset, alignmentOf(type[1])) - this.offset)
        if (length > b.length - this.offset) throw new Error('a D-Bus array past the end of its message')
        const end = this.offset + length
        const items: unknown[] = []
        while (this.offset < end) {
          const before = this.offset
          items.push(this.one(type.slice(1)))
          // Every valid element type has at least one byte; this guards the loop all the same.
          if (this.offset <= before) throw new Error('a D-Bus array element of no bytes')
        }

        if (this.offset !== end) throw new Error('a D-Bus array whose elements overrun its length')
        return items
      }

      case '(':
      case '{': {
        return this.read(type.slice(1, -1))
      }

      default: {
        throw new Error(`this D-Bus client can't read type ${type}`)
      }
    }
  }
}
