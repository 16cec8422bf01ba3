import type {Server, Socket} from 'node:net'

/** A test server's open connections, so that stopping it ends keep-alive sockets at once. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return sockets
}

/** Listens on `host:port` (port 0: any free one); rejects (EACCES, EADDRINUSE) when that can't be had. */
export function listenOnLoopback(server: Server, port = 0, host = '127.0.0.1'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Ends every open connection, then closes the server. */
export async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}
