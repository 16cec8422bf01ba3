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
    signature: 'ss',
  })
  const value = (reply?.[0] as undefined | Variant)?.value
  return typeof value === 'boolean' ? value : undefined
}

/** One method call on the session bus; undefined on any failure, never a hang. */
async function ask(options: SecretServiceOptions, call: MethodCall): Promise<undefined | unknown[]> {
  const addresses = sessionBusAddresses(options.env ?? process.env)
  for (const address of addresses) {
    const reply = await callOnce(address, call, options.timeoutMs ?? 2000).catch(() => undefined)
    if (reply) return reply
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

/** Connects, authenticates (EXTERNAL: the kernel vouches for our uid), says Hello, makes the call. */
function callOnce(address: Address, call: MethodCall, timeoutMs: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address as net.NetConnectOpts)
    const timer = setTimeout(() => finish(new Error('no answer from the session bus')), timeoutMs)
    timer.unref()
    let buffer = Buffer.alloc(0)
    let authenticated = false
    const finish = (error: Error | null, reply?: unknown[]) => {
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
      buffer = Buffer.concat([buffer, chunk])
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
        if (message.type === MESSAGE_ERROR) return finish(new Error(`${message.errorName}: ${String(message.body[0] ?? '')}`))
        if (message.type === MESSAGE_RETURN) return finish(null, message.body)
      }
    })

    function takeMessage() {
      if (buffer.length < 16) return undefined
      const little = buffer[0] === 0x6c // 'l'
      const fieldsLength = little ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12)
      const bodyLength = little ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4)
      const bodyStart = align(16 + fieldsLength, 8)
      if (buffer.length < bodyStart + bodyLength) return undefined
      const bytes = buffer.subarray(0, bodyStart + bodyLength)
      buffer = buffer.subarray(bodyStart + bodyLength)
      return decodeMessage(bytes)
    }
  })
}

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

/** A received message's type, reply serial, error name and body. */
function decodeMessage(bytes: Buffer): {body: unknown[]; errorName?: string; replySerial?: number; type: number} {
  const reader = new Reader(bytes, bytes[0] === 0x6c)
  reader.offset = 12
  const [fields] = reader.read('a(yv)') as [Array<[number, Variant]>]
  const field = (code: number) => fields.find(([c]) => c === code)?.[1].value
  reader.offset = align(reader.offset, 8)
  const signature = (field(FIELD_SIGNATURE) as string | undefined) ?? ''
  return {
    body: reader.read(signature),
    errorName: field(FIELD_ERROR_NAME) as string | undefined,
    replySerial: field(FIELD_REPLY_SERIAL) as number | undefined,
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

/** Where the single complete type starting at `i` ends. */
function typeEnd(signature: string, i: number): number {
  const code = signature[i]
  if (code === 'a') return typeEnd(signature, i + 1)
  if (code !== '(' && code !== '{') return i + 1
  const close = code === '(' ? ')' : '}'
  let depth = 0
  for (let j = i; j < signature.length; j++) {
    if (signature[j] === code) depth++
    else if (signature[j] === close && --depth === 0) return j + 1
  }

  throw new Error(`bad D-Bus signature ${signature}`)
}

/** Splits a signature into its single complete types. */
function types(signature: string): string[] {
  const list: string[] = []
  for (let i = 0; i < signature.length; i = typeEnd(signature, i)) list.push(signature.slice(i, typeEnd(signature, i)))
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

class Reader {
  offset = 0

  constructor(
    private readonly buffer: Buffer,
    private readonly little: boolean,
  ) {}

  /** Unmarshals values by `signature`. */
  read(signature: string): unknown[] {
    return types(signature).map((type) => this.one(type))
  }

  private one(type: string): unknown {
    this.offset = align(this.offset, alignmentOf(type[0]))
    const b = this.buffer
    const at = this.offset
    switch (type[0]) {
      case 'y': {
        this.offset += 1
        return b[at]
      }

      case 'b':
      case 'u':
      case 'h': {
        this.offset += 4
        const value = this.little ? b.readUInt32LE(at) : b.readUInt32BE(at)
        return type === 'b' ? value !== 0 : value
      }

      case 'i': {
        this.offset += 4
        return this.little ? b.readInt32LE(at) : b.readInt32BE(at)
      }

      case 'n':
      case 'q': {
        this.offset += 2
        if (type === 'n') return this.little ? b.readInt16LE(at) : b.readInt16BE(at)
        return this.little ? b.readUInt16LE(at) : b.readUInt16BE(at)
      }

      case 'x':
      case 't': {
        this.offset += 8
        if (type === 'x') return this.little ? b.readBigInt64LE(at) : b.readBigInt64BE(at)
        return this.little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)
      }

      case 'd': {
        this.offset += 8
        return this.little ? b.readDoubleLE(at) : b.readDoubleBE(at)
      }

      case 's':
      case 'o': {
        const length = this.little ? b.readUInt32LE(at) : b.readUInt32BE(at)
        this.offset = at + 4 + length + 1
        return b.toString('utf8', at + 4, at + 4 + length)
      }

      case 'g': {
        this.offset = at + 1 + b[at] + 1
        return b.toString('latin1', at + 1, at + 1 + b[at])
      }

      case 'v': {
        const [signature] = this.read('g') as [string]
        return {signature, value: this.one(signature)} satisfies Variant
      }

      case 'a': {
        const length = this.little ? b.readUInt32LE(at) : b.readUInt32BE(at)
        this.offset = align(at + 4, alignmentOf(type[1]))
        const end = this.offset + length
        const items: unknown[] = []
        while (this.offset < end) items.push(this.one(type.slice(1)))
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
