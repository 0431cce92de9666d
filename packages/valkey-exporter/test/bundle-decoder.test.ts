import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inlinePrivateFields } from '../../../scripts/bundle/private-fields.ts';

/**
 * The bundle's RESP decoder (ioredis' own, with its private members made plain properties by
 * scripts/bundle/private-fields.ts) must decode every reply exactly as the original does, whole, cut at any
 * byte (the decoder's continuation paths) and one byte at a time, under each type mapping ioredis uses.
 */
const require = createRequire(import.meta.url);
const decoderPath = require.resolve('ioredis/built/resp/decoder.js');
type DecoderClass = new (config: object) => { write(chunk: Buffer): void };

function loadDecoder(code: string): DecoderClass {
  const module = { exports: {} as { Decoder: DecoderClass } };
  new Function('exports', 'require', 'module', code)(module.exports, createRequire(decoderPath), module);
  return module.exports.Decoder;
}
const original = loadDecoder(readFileSync(decoderPath, 'utf8'));
const plain = loadDecoder(inlinePrivateFields(readFileSync(decoderPath, 'utf8')).code);

/** RESP3 type bytes (the decoder's RESP_TYPES). */
const type = { boolean: 35, number: 58, bigNumber: 40, double: 44, simple: 43, blob: 36, verbatim: 61, set: 126, map: 37 };
const asBuffers = { [type.simple]: Buffer, [type.blob]: Buffer, [type.verbatim]: Buffer, [type.bigNumber]: String };
/** ioredis 6's mappings (built/DataHandler.js: legacy, with stringNumbers, resp3) and the decoder's own default. */
const mappings: Record<string, object> = {
  legacy: { ...asBuffers, [type.double]: Buffer, [type.boolean]: Number, [type.map]: Array, [type.set]: Array },
  'legacy, stringNumbers': { ...asBuffers, [type.double]: String, [type.number]: String, [type.boolean]: Number, [type.map]: Array, [type.set]: Array },
  resp3: { ...asBuffers, [type.set]: Array },
  'maps and sets as such': { [type.map]: Map, [type.set]: Set },
  default: {},
};

function decode(Decoder: DecoderClass, mapping: object, chunks: Buffer[]): unknown[] {
  const events: unknown[] = [];
  const seen = (kind: string) => (value: unknown) => events.push([kind, value instanceof Error ? `${value.constructor.name}: ${value.message}` : value]);
  const decoder = new Decoder({ getTypeMapping: () => mapping, onReply: seen('reply'), onErrorReply: seen('error'), onPush: seen('push') });
  for (const chunk of chunks) decoder.write(chunk);
  return events;
}

/** `bytes` whole, one byte at a time, and cut in two at each offset `cutAt` allows. */
function expectSameDecoding(bytes: Buffer, cutAt: (offset: number) => boolean = () => true) {
  const cuts: Buffer[][] = [[bytes], Array.from(bytes, (byte) => Buffer.from([byte]))];
  for (let at = 1; at < bytes.length; at += 1) if (cutAt(at)) cuts.push([bytes.subarray(0, at), bytes.subarray(at)]);
  for (const [name, mapping] of Object.entries(mappings)) {
    const expected = decode(original, mapping, [bytes]);
    expect(expected.length, name).toBeGreaterThan(0);
    for (const chunks of cuts) expect(decode(plain, mapping, chunks), `${name}, cut into ${chunks.length}`).toEqual(expected);
  }
}

/** Every RESP3 type and the edges of each: null bulk and array, negative and big numbers, doubles' spellings, nesting. */
const everyType = [
  '_\r\n',
  '#t\r\n#f\r\n',
  ':0\r\n:-42\r\n:+7\r\n:9007199254740993\r\n',
  '(3492890328409238509324850943850943825024385\r\n(-12\r\n',
  ',1.5\r\n,-0.25\r\n,10\r\n,inf\r\n,-inf\r\n,nan\r\n,1.23e-5\r\n,6E+3\r\n',
  '+OK\r\n+\r\n',
  '$5\r\nhello\r\n$0\r\n\r\n$-1\r\n$8\r\nwith\r\nnl\r\n',
  '=15\r\ntxt:Some string\r\n',
  '-ERR unknown command\r\n-NOPERM this user has no permissions\r\n',
  '!21\r\nSYNTAX invalid syntax\r\n',
  '*0\r\n*-1\r\n*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n_\r\n',
  '~3\r\n+a\r\n:1\r\n#t\r\n',
  '%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n*1\r\n,2.5\r\n',
  '>3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$3\r\nhey\r\n',
].join('');

describe("the bundle's RESP decoder", () => {
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startServer('valkey');
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test('rewrites every private member access and leaves none behind', () => {
    const { code, calls } = inlinePrivateFields(readFileSync(decoderPath, 'utf8'));
    expect(calls).toBeGreaterThan(200);
    expect(code).not.toMatch(/__classPrivateField(Get|Set)\(|\.(get|set)\(this\b/);
    expect(() => inlinePrivateFields('__classPrivateFieldGet(this, _x, "a", f)')).toThrow(/unexpected form/);
  });

  test('decodes every RESP3 type as the original does, whole and cut anywhere', () => {
    expectSameDecoding(Buffer.from(everyType));
  });

  test("decodes a real Valkey's replies to a scrape's commands as the original does, in RESP2 and RESP3", async () => {
    const commands = [
      ['INFO', 'ALL'],
      ['LATENCY', 'HISTOGRAM'],
      ['ACL', 'LOG', '128'],
      ['SLOWLOG', 'GET', '1'],
      ['LATENCY', 'LATEST'],
      ['CONFIG', 'GET', 'save', 'io-threads', 'client-output-buffer-limit'],
      ['ACL', 'GETUSER', 'default'],
      ['AUTH', 'nobody', 'wrong'],
    ];
    for (const protocol of ['2', '3']) {
      const bytes = await exchange(server.port, [['HELLO', protocol], ...commands]);
      expect(bytes.toString('latin1')).toContain('redis_version');
      // Every line ending cut before and inside, and a sample of offsets within lines and long blobs.
      expectSameDecoding(bytes, (at) => at % 17 === 0 || bytes[at] === 13 || bytes[at - 1] === 13);
    }
  });
});

/** The raw bytes a server answers to `commands`, up to and including the PONG of a final PING. */
function exchange(port: number, commands: string[][]): Promise<Buffer> {
  const encode = (argv: string[]) => `*${argv.length}\r\n${argv.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write([...commands, ['PING']].map(encode).join('')));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      if (bytes.toString('latin1').endsWith('+PONG\r\n')) {
        socket.end();
        resolve(bytes);
      }
    });
    socket.on('error', reject);
  });
}
