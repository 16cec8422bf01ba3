/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection<E = Error>(promise: Promise<unknown>): Promise<E & {code?: string; exit?: number; line?: string}> {
  try {
    await promise
  } catch (error) {
    return error as E & {code?: string; exit?: number; line?: string}
  }

  throw new Error('expected a rejection, but it resolved')
}
