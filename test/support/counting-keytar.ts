import {keytar, KeytarModule} from './keychain.js'

/**
 * The real keytar (the real keychain of `npm test`'s D-Bus session) behind a loader that counts
 * every call into it: what SecretStore's `loadKeytar` seam gets in read-count tests.
 */
export class CountingKeytar {
  readonly calls: Array<{account: string; op: 'delete' | 'read' | 'write'}> = []

  /** The loader to hand to SecretStore ({loadKeytar}). */
  readonly load = async () => {
    const real: KeytarModule = keytar()
    return {
      deletePassword: (service: string, account: string) => {
        this.calls.push({account, op: 'delete'})
        return real.deletePassword(service, account)
      },
      getPassword: (service: string, account: string) => {
        this.calls.push({account, op: 'read'})
        return real.getPassword(service, account)
      },
      setPassword: (service: string, account: string, password: string) => {
        this.calls.push({account, op: 'write'})
        return real.setPassword(service, account, password)
      },
    }
  }

  /** Calls of one kind since the last reset (any account, the probe included). */
  count(op: 'delete' | 'read' | 'write'): number {
    return this.calls.filter((c) => c.op === op).length
  }

  reset(): void {
    this.calls.length = 0
  }
}
