import { createServer, type Server, type Socket } from 'node:net';

/** RESP2 encodings for a hostile server's answers. */
export const resp = {
  bulk: (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`,
  error: (text: string) => `-${text}\r\n`,
  ok: '+OK\r\n',
  emptyArray: '*0\r\n',
} as const;

export interface HostileRespServer {
  readonly port: number;
  readonly url: string;
  /** Commands received, as argv, in order. */
  readonly received: string[][];
  close(): Promise<void>;
}

/** Reads RESP arrays of bulk strings (what clients send) from a buffer; returns the commands and the unread rest. */
function readCommands(buffer: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let offset = 0;
  for (;;) {
    const start = offset;
    const header = buffer.indexOf('\r\n', offset);
    if (header < 0 || buffer[offset] !== 0x2a) return { commands, rest: buffer.subarray(start) };
    const count = Number(buffer.toString('latin1', offset + 1, header));
    offset = header + 2;
    const argv: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const line = buffer.indexOf('\r\n', offset);
      if (line < 0) return { commands, rest: buffer.subarray(start) };
      const length = Number(buffer.toString('latin1', offset + 1, line));
      if (buffer.length < line + 2 + length + 2) return { commands, rest: buffer.subarray(start) };
      argv.push(buffer.toString('utf8', line + 2, line + 2 + length));
      offset = line + 2 + length + 2;
    }
    commands.push(argv);
  }
}

/**
 * A TCP server on loopback that speaks just enough RESP2 to be scraped, answering each command with the raw
 * bytes `answer` returns: the hostile or broken server of the attack tests (invalid INFO replies, invented
 * command names, oversized replies). Not a stand-in for any engine.
 */
export async function startHostileRespServer(answer: (argv: readonly string[]) => string | Buffer): Promise<HostileRespServer> {
  const received: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { commands, rest } = readCommands(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const argv of commands) {
        received.push(argv);
        socket.write(answer(argv));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
