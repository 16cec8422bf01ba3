import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

export interface KeytarModule {
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{account: string; password: string}>>
  getPassword(service: string, account: string): Promise<null | string>
  setPassword(service: string, account: string, password: string): Promise<void>
}

/** keytar itself, to look into the real keychain from tests. */
export const keytar = (): KeytarModule => require('keytar') as KeytarModule

/**
 * Whether the real keychain is usable in this test process. Under `npm test` (which starts a
 * private D-Bus session with gnome-keyring) it must be: a missing one there is a failure, not a skip.
 */
export async function keychainAvailable(): Promise<boolean> {
  try {
    await keytar().getPassword('llamactl', '__test_probe__')
    return true
  } catch (error) {
    if (process.env.LLAMACTL_TEST_IN_DBUS) throw new Error(`npm test started a keyring, but keytar can't use it: ${(error as Error).message}`)
    return false
  }
}

/** Environment overrides for a child process with no D-Bus session, hence no keychain (runCli drops undefined keys). */
export function withoutDbus(): NodeJS.ProcessEnv {
  return {DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined}
}
