import { createServer, type Server, type Socket } from 'node:net';
import { readFixture } from '../fixtures.ts';
import { aclPermissions, registry } from './dragonfly-acl.ts';

/**
 * Which commands exist is upstream's word, not the stand-in's: Dragonfly v1.40.0's command registry (see
 * dragonfly-acl.ts). A name outside it gets Dragonfly's unknown-command reply and counts in `unknown_<NAME>`.
 */
const upstreamCommands = new Set([...registry.keys()].map((name) => name.split(' ')[0] as string));

/** The commands whose replies the stand-in models; any other real command says so rather than pretend. */
const modelled = new Set(['AUTH', 'CLIENT', 'SELECT', 'INFO', 'SLOWLOG', 'ACL', 'LATENCY', 'COMMAND', 'GET', 'SET', 'PING', 'CONFIG', 'FLUSHALL']);

/**
 * A protocol-level stand-in for Dragonfly: a real TCP server speaking real RESP2, answering the commands a
 * client can send with Dragonfly's replies and error texts (reference/dragonfly.md sections 1-5 and 9),
 * built from shared/fixtures/dragonfly. Its counters move the way Dragonfly's do: every command it runs is
 * counted in commandstats, every error in errorstats, failed AUTH and ACL denials land in per-thread ACL
 * logs with nanosecond timestamps. Tests script the rest (traffic, a replica's sync state, a restart).
 */

type Reply = string | number | bigint | null | Error | Simple | Reply[];
/** A RESP simple string (`+OK`); plain strings are sent as bulk strings. */
class Simple {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const wrongPass = 'WRONGPASS invalid username-password pair or user is disabled.';
const noAuth = 'NOAUTH Authentication required.';

/** `# Name` sections of an INFO text, in order, as [key, value] lines (free-text keys split on the last colon). */
function parseSections(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) {
      current = [];
      sections.set(line.slice(2), current);
    } else if (line !== '') {
      const colon = line.startsWith('-') || !/^[a-z_0-9]+:/.test(line) ? line.lastIndexOf(':') : line.indexOf(':');
      current.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  return sections;
}

const defaultSections = ['Server', 'Clients', 'Memory', 'Stats', 'Replication', 'Modules', 'Keyspace', 'Cpu', 'Cluster', 'Latencystats'];

export interface AclLogRecord {
  readonly reason: 'AUTH' | 'COMMAND' | 'KEY' | 'PUB_SUB';
  readonly object: string;
  readonly username: string;
  readonly createdNs: bigint;
  readonly thread: number;
}

export interface StandInOptions {
  /** Dragonfly version to impersonate, e.g. `1.40.1` or `1.35.0` (multi-section INFO and error kinds follow it). */
  readonly version?: string;
  readonly role?: 'master' | 'replica';
  /** Password of the default user (`--requirepass`); none means nopass. */
  readonly requirepass?: string;
  /** ACL users: password and the rules they were given (`+info`, `+acl log`, ... or `+@all`). */
  readonly users?: Readonly<Record<string, { password: string; rules: readonly string[] }>>;
  readonly threads?: number;
}

export interface DragonflyStandIn {
  readonly port: number;
  readonly url: string;
  /** Every command received, upper-case name (two words for ACL), in order. */
  readonly received: string[];
  /** Sets an INFO field (`Stats`, `keyspace_hits`, value). */
  set(section: string, key: string, value: string | number): void;
  /** Adds to a numeric INFO field. */
  bump(section: string, key: string, delta: number): void;
  errorstats(): ReadonlyMap<string, number>;
  setReplicaState(index: number, state: string, lag?: number): void;
  /** What a restart resets: uptime, counters, commandstats, errorstats, ACL and slow logs. Connections are dropped. */
  restart(): void;
  close(): Promise<void>;
}

export async function startDragonflyStandIn(options: StandInOptions = {}): Promise<DragonflyStandIn> {
  const version = options.version ?? '1.40.1';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const atLeast = (wantMajor: number, wantMinor: number) => major > wantMajor || (major === wantMajor && minor >= wantMinor);
  const threads = options.threads ?? 8;
  const sections = parseSections(readFixture('dragonfly/info_all.txt'));
  const server = sections.get('Server') ?? [];
  for (const line of server) if (line[0] === 'dragonfly_version') line[1] = `df-v${version}`;
  if (options.role === 'replica') {
    sections.set('Replication', [...(parseSections(readFixture('dragonfly/info_replication_replica.txt')).get('Replication') ?? [])]);
    const memory = sections.get('Memory') ?? [];
    sections.set(
      'Memory',
      memory.filter(([key]) => !key.startsWith('replication_')),
    );
  }
  const commandstats = new Map<string, { calls: number; usec: number }>();
  const unknown = new Map<string, number>();
  for (const [key, value] of sections.get('Commandstats') ?? []) {
    if (key.startsWith('unknown_')) unknown.set(key.slice('unknown_'.length), Number(value));
    else commandstats.set(key.slice('cmdstat_'.length), { calls: Number(/calls=(\d+)/.exec(value)?.[1]), usec: Number(/usec=(\d+)/.exec(value)?.[1]) });
  }
  const errors = new Map<string, number>((sections.get('Errorstats') ?? []).map(([key, value]) => [key, Number(value)]));
  // The no_auth kind arrived in v1.37.0 (upstream commit 76eb03c58, #6449: facade/error.h kNoAuthErrType,
  // used by ServerFamily::Auth, Hello and Service::VerifyCommandState for NOAUTH); before, failed AUTH and
  // NOAUTH were keyed by their messages.
  const noAuthKind = atLeast(1, 37);
  if (!noAuthKind) errors.delete('no_auth');
  const aclLog: AclLogRecord[] = [];
  const slowlog: [number, number, number, string[], string, string][] = [[4711, 1787312000, 12500, ['KEYS', '*'], '10.0.3.44:52210', '']];
  const received: string[] = [];
  const sockets = new Set<Socket>();

  const field = (section: string, key: string) => (sections.get(section) ?? []).find((line) => line[0] === key);
  const count = (key: string) => errors.set(key, (errors.get(key) ?? 0) + 1);
  const users = new Map(Object.entries(options.users ?? {}));

  function renderSection(name: string): string {
    let lines: [string, string][];
    if (name === 'Commandstats') {
      lines = [...commandstats.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([command, stat]): [string, string] => [
          `cmdstat_${command}`,
          `calls=${stat.calls},usec=${stat.usec},usec_per_call=${stat.calls === 0 ? 0 : Number((stat.usec / stat.calls).toPrecision(6))}`,
        ]);
      for (const [command, calls] of unknown) lines.push([`unknown_${command}`, String(calls)]);
    } else if (name === 'Errorstats') {
      lines = [...errors.entries()].map(([key, value]) => [key, String(value)]);
    } else {
      lines = sections.get(name) ?? [];
    }
    return `# ${name}\r\n${lines.map(([key, value]) => `${key}:${value}\r\n`).join('')}`;
  }

  function info(args: string[]): Reply {
    const all = [...sections.keys()];
    const pick = (token: string) => all.find((name) => name.toLowerCase() === token.toLowerCase());
    let names: string[];
    if (args.length === 0) names = defaultSections;
    else if (args.length > 1 && !atLeast(1, 36)) return new Error('ERR syntax error');
    else if (args.length === 1 && args[0]?.toLowerCase() === 'all') names = all;
    else names = args.map(pick).filter((name): name is string => name !== undefined);
    return names.map(renderSection).join('\r\n');
  }

  // The default user has +@all; the others what their rules grant, checked like ACL SETUSER at start.
  const permissions = new Map([...users].map(([name, user]) => [name, aclPermissions(user.rules)]));
  function allowed(user: string, command: string): boolean {
    return user === 'default' || (permissions.get(user)?.(command) ?? false);
  }

  function logAcl(reason: AclLogRecord['reason'], object: string, username: string): void {
    const createdNs = process.hrtime.bigint() + 1_787_312_000_000_000_000n;
    aclLog.push({ reason, object, username, createdNs, thread: aclLog.length % threads });
  }

  /** ACL LOG [n]: up to n entries per thread, merged oldest thread-head first as Dragonfly does (not by time). */
  function aclLogReply(limit: number): Reply {
    const perThread = new Map<number, AclLogRecord[]>();
    for (const entry of [...aclLog].reverse()) {
      const list = perThread.get(entry.thread) ?? [];
      if (list.length < limit) list.push(entry);
      perThread.set(entry.thread, list);
    }
    const merged: AclLogRecord[] = [];
    const heads = [...perThread.values()];
    while (heads.some((list) => list.length > 0)) {
      const next = heads.filter((list) => list.length > 0).sort((a, b) => ((a[0]?.createdNs ?? 0n) < (b[0]?.createdNs ?? 0n) ? -1 : 1))[0] ?? [];
      merged.push(next.shift() as AclLogRecord);
    }
    const now = process.hrtime.bigint() + 1_787_312_000_000_000_000n;
    return merged.map((entry) => {
      const age = now - entry.createdNs;
      return [
        new Simple('reason'),
        new Simple(entry.reason),
        new Simple('object'),
        new Simple(entry.object),
        new Simple('username'),
        new Simple(entry.username),
        new Simple('age-seconds'),
        new Simple(`${age / 1_000_000_000n}.${age % 1_000_000_000n}`),
        new Simple('client-info'),
        new Simple(
          'id=1 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=9 name= tid=0 irqmatch=0 age=0 idle=0 tot-cmds=1 qbuf=0 qbuf-free=0 obl=0 argv-mem=0 oll=0 omem=0 tot-mem=0 multi=0 psub=0 sub=0',
        ),
        new Simple('timestamp-created'),
        entry.createdNs,
      ];
    });
  }

  /** Runs one command for a connection; `session.user` is undefined until authenticated when a password is required. */
  function execute(session: { user: string | undefined }, argv: string[]): Reply {
    const [rawName = '', ...args] = argv;
    const name = rawName.toUpperCase();
    const sub = args[0]?.toUpperCase();
    const command = name === 'ACL' && sub !== undefined ? `ACL ${sub}` : name;
    received.push(command);
    if (!upstreamCommands.has(name)) {
      count('unknown_cmd');
      unknown.set(name, (unknown.get(name) ?? 0) + 1);
      return new Error(`ERR unknown command \`${name}\``);
    }
    const stat = commandstats.get(command.toLowerCase()) ?? { calls: 0, usec: 0 };
    stat.calls += 1;
    stat.usec += 3;
    commandstats.set(command.toLowerCase(), stat);
    const processed = field('Stats', 'total_commands_processed');
    if (processed !== undefined) processed[1] = String(Number(processed[1]) + 1);

    if (name === 'AUTH') {
      const [user, password] = args.length >= 2 ? [args[0] ?? '', args[1] ?? ''] : ['default', args[0] ?? ''];
      const ok = user === 'default' ? password === (options.requirepass ?? password) : users.get(user)?.password === password;
      if (ok) {
        session.user = user;
        return new Simple('OK');
      }
      count(noAuthKind ? 'no_auth' : `-${wrongPass}`);
      logAcl('AUTH', 'AUTH', user);
      return new Error(wrongPass);
    }
    if (session.user === undefined) {
      count(noAuthKind ? 'no_auth' : `-${noAuth}`);
      return new Error(noAuth);
    }
    if (!allowed(session.user, command)) {
      const message = `NOPERM ${session.user} has no ACL permissions`;
      count(`-${message}`);
      logAcl('COMMAND', command, session.user);
      return new Error(message);
    }
    switch (command) {
      case 'PING':
        return new Simple('PONG');
      case 'SELECT':
        return new Simple('OK');
      case 'CLIENT':
        return sub === 'SETNAME' ? new Simple('OK') : new Error('ERR syntax error');
      case 'INFO':
        return info(args);
      case 'GET':
        return null;
      case 'SET':
        return new Simple('OK');
      case 'SLOWLOG':
        if (sub === 'LEN') return slowlog.length;
        if (sub === 'GET') return slowlog.slice(0, args[1] === undefined ? slowlog.length : Number(args[1]));
        return new Error(`ERR Unknown subcommand or wrong number of arguments for '${sub}'. Try SLOWLOG HELP.`);
      case 'ACL LOG':
        if (args[1]?.toUpperCase() === 'RESET') {
          aclLog.length = 0;
          return new Simple('OK');
        }
        return aclLogReply(args[1] === undefined ? 10 : Number(args[1]));
      case 'ACL GETUSER': {
        const nopass = options.requirepass === undefined;
        return [
          new Simple('flags'),
          nopass ? [new Simple('on'), new Simple('nopass')] : [new Simple('on')],
          new Simple('passwords'),
          nopass ? [] : new Simple('#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'),
          new Simple('commands'),
          new Simple('+@all'),
          new Simple('keys'),
          new Simple('~*'),
          new Simple('channels'),
          new Simple('&*'),
        ];
      }
      case 'LATENCY':
        if (sub === 'LATEST' || (sub === 'HISTOGRAM' && atLeast(1, 36))) return [];
        count('syntax_error');
        return new Error(`ERR Unknown subcommand or wrong number of arguments for '${sub}'. Try LATENCY HELP.`);
      case 'COMMAND':
        count('syntax_error');
        return new Error(sub === 'DOCS' && args.length === 1 ? 'ERR COMMAND DOCS Not Implemented' : 'ERR syntax error');
      case 'CONFIG':
        return [];
      case 'FLUSHALL':
        return new Simple('OK');
      default:
        if (!modelled.has(name)) return new Error(`ERR the keepwatch stand-in does not model ${name}, a Dragonfly command`);
        count('syntax_error');
        return new Error('ERR syntax error');
    }
  }

  const tcp: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const session = { user: options.requirepass === undefined ? 'default' : undefined } as { user: string | undefined };
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseCommand(buffer);
        if (parsed === undefined) break;
        buffer = buffer.subarray(parsed.consumed);
        socket.write(encode(execute(session, parsed.argv)));
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const address = tcp.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const tcpPort = field('Server', 'tcp_port');
  if (tcpPort !== undefined) tcpPort[1] = String(port);

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    received,
    set(section, key, value) {
      const line = field(section, key);
      if (line === undefined) (sections.get(section) ?? []).push([key, String(value)]);
      else line[1] = String(value);
    },
    bump(section, key, delta) {
      const line = field(section, key);
      if (line !== undefined) line[1] = String(Number(line[1]) + delta);
    },
    errorstats: () => new Map(errors),
    setReplicaState(index, state, lag = 0) {
      const line = field('Replication', `slave${index}`);
      if (line !== undefined) line[1] = line[1].replace(/state=[^,]+/, `state=${state}`).replace(/lag=\d+/, `lag=${lag}`);
    },
    restart() {
      for (const socket of sockets) socket.destroy();
      for (const [name, lines] of sections) {
        if (!['Stats', 'Server'].includes(name)) continue;
        for (const line of lines)
          if (/^(total_|keyspace_|expired_keys|evicted_keys|uptime_in_seconds)/.test(line[0])) line[1] = line[0] === 'uptime_in_seconds' ? '1' : '0';
      }
      commandstats.clear();
      unknown.clear();
      errors.clear();
      aclLog.length = 0;
      slowlog.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => resolve());
      }),
  };
}

/** One RESP2 command (array of bulk strings, or an inline command) from the front of the buffer. */
function parseCommand(buffer: Buffer): { argv: string[]; consumed: number } | undefined {
  const lineEnd = (from: number) => {
    const at = buffer.indexOf('\r\n', from);
    return at < 0 ? undefined : at;
  };
  const first = lineEnd(0);
  if (first === undefined) return undefined;
  if (buffer[0] !== 0x2a) {
    return { argv: buffer.subarray(0, first).toString().split(' ').filter(Boolean), consumed: first + 2 };
  }
  const count = Number(buffer.subarray(1, first).toString());
  const argv: string[] = [];
  let offset = first + 2;
  for (let i = 0; i < count; i += 1) {
    const end = lineEnd(offset);
    if (end === undefined) return undefined;
    const length = Number(buffer.subarray(offset + 1, end).toString());
    if (buffer.length < end + 2 + length + 2) return undefined;
    argv.push(buffer.subarray(end + 2, end + 2 + length).toString());
    offset = end + 2 + length + 2;
  }
  return { argv, consumed: offset };
}

function encode(reply: Reply): string {
  if (reply === null) return '$-1\r\n';
  if (reply instanceof Error) return `-${reply.message}\r\n`;
  if (reply instanceof Simple) return `+${reply.text}\r\n`;
  if (typeof reply === 'number' || typeof reply === 'bigint') return `:${reply}\r\n`;
  if (typeof reply === 'string') return `$${Buffer.byteLength(reply)}\r\n${reply}\r\n`;
  return `*${reply.length}\r\n${reply.map(encode).join('')}`;
}
