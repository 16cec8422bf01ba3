// keytar is an optional dependency: where its native build fails (no compiler, no libsecret)
// npm leaves it out, and the build must still work there. So its types come from here, not
// from node_modules/keytar: the three calls src/stores/secret-store.ts makes, after loading it
// lazily (a missing keytar is the keychain-less file fallback at run time, never a build error).
declare module 'keytar' {
  export function deletePassword(service: string, account: string): Promise<boolean>
  export function getPassword(service: string, account: string): Promise<null | string>
  export function setPassword(service: string, account: string, password: string): Promise<void>
}
