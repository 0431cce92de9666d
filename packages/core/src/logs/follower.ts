import { readFileSync, renameSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { type FileHandle, open, realpath, rename, stat, unlink } from 'node:fs/promises';

export interface FollowerOptions {
  readonly path: string;
  /** Read the file from its beginning on start instead of its end. */
  readonly fromStart: boolean;
  /** Longest line kept; the rest of a longer line is dropped (the line is still delivered, cut). */
  readonly maxLineBytes: number;
  readonly pollIntervalMs: number;
  readonly onLine: (line: string) => void;
  readonly onError?: (message: string) => void;
  /**
   * Where the position is kept across restarts (--log.state-file): the file's identity, the offset read to
   * and the bytes just before it. A restarted follower resumes there, so lines written while it was down are
   * read once; without it, a restart starts at the end (or the beginning, with fromStart).
   */
  readonly stateFile?: string;
  /**
   * Size at which the follower renames the file to `<path>.1` (replacing it) once read, so the engine starts a
   * new one: only for engines that open the file by its path for every line, which then never write to the
   * renamed file again.
   */
  readonly renameAtBytes?: number;
  /** Delete a file the path stopped pointing to (an engine's own rotation behind a symlink) once read to its end. */
  readonly removeRotated?: boolean;
}

/** The position of a follower: which file, how far, and the bytes just before (to tell the same file apart). */
interface Position {
  readonly inode: string;
  readonly offset: number;
  /** Base64 of up to `tailBytes` bytes before `offset`. */
  readonly tail: string;
}

export interface FollowerStats {
  bytesRead: number;
  lines: number;
  truncatedLines: number;
  /** Rotations by kind: rename (rename-and-recreate, or the file deleted) and copytruncate (emptied in place). */
  rotations: { rename: number; copytruncate: number };
  /** Whether the last poll followed a regular file without an error (false while it is missing or unreadable). */
  healthy: boolean;
}

const chunkSize = 64 * 1024;
/** Bytes kept from just before the position: a file whose bytes there changed was truncated and written again. */
const tailBytes = 64;

function readState(path: string | undefined): Position | undefined {
  if (path === undefined) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<Position>;
    if (typeof state.inode === 'string' && Number.isSafeInteger(state.offset) && typeof state.tail === 'string')
      return { inode: state.inode, offset: state.offset ?? 0, tail: state.tail };
  } catch {
    // No state yet, or an unreadable one: start as without a state file.
  }
  return undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Follows a log file that another process (the database, through a shared volume) writes. Polls rather
 * than watching, because inotify does not see writes through every volume type. Survives the file not
 * existing yet, rotation by rename-and-recreate (the old file is read to its end before switching) and by
 * copytruncate (a file shorter than what was read starts over), and never holds more than one chunk and one
 * line in memory.
 */
export class LogFollower {
  readonly stats: FollowerStats = {
    bytesRead: 0,
    lines: 0,
    truncatedLines: 0,
    rotations: { rename: 0, copytruncate: 0 },
    healthy: false,
  };
  readonly #options: FollowerOptions;
  #handle: FileHandle | undefined;
  #inode: string | undefined;
  /** Where the open file really is (the path resolved through symlinks), for removeRotated. */
  #realPath: string | undefined;
  #position = 0;
  #partial = Buffer.alloc(0);
  #dropping = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  /** The bytes just before #position. */
  #tail = Buffer.alloc(0);
  /** Where to start in the file present when the follower was made (its end, or a saved position); any other file starts at 0. */
  #startAt: Position | undefined;
  #savedState = '';

  constructor(options: FollowerOptions) {
    this.#options = options;
    const saved = readState(options.stateFile);
    const current = options.fromStart || saved !== undefined ? undefined : statOrUndefined(options.path);
    this.#startAt = saved ?? (current === undefined ? undefined : { inode: `${current.dev}:${current.ino}`, offset: current.size, tail: '' });
  }

  start(): void {
    const tick = () => {
      this.#running = this.poll()
        .catch((error: unknown) => {
          this.stats.healthy = false;
          this.#options.onError?.((error as Error).message);
        })
        .finally(() => {
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, this.#options.pollIntervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  /** One polling step; exposed so tests can step deterministically. */
  async poll(): Promise<void> {
    const found = await stat(this.#options.path).catch(() => undefined);
    // Only a regular file is followed: a directory (or a fifo) at the path is as good as no file, and the
    // follower takes whatever regular file appears there later.
    const current = found?.isFile() === true ? found : undefined;
    const inode = current === undefined ? undefined : `${current.dev}:${current.ino}`;
    if (this.#handle !== undefined && inode !== this.#inode) {
      // Renamed away (or deleted): finish the old file, then take the new one from its start. The old handle
      // is closed even when reading it fails, so one bad file cannot hold the follower.
      try {
        await this.#readToEnd();
        this.#flushPartial();
      } finally {
        await this.#handle.close().catch(() => undefined);
        this.#handle = undefined;
        this.stats.rotations.rename += 1;
      }
      if (this.#options.removeRotated === true) await this.#removeRotated();
    }
    if (current === undefined) {
      this.stats.healthy = false;
      return;
    }
    if (this.#handle === undefined) {
      this.#handle = await open(this.#options.path, 'r');
      this.#inode = inode;
      this.#realPath = await realpath(this.#options.path).catch(() => undefined);
      // Only the file present when the follower was made (or saved) is read from where it ended then; one that appears later is all new.
      const start = this.#startAt;
      this.#startAt = undefined;
      this.#position = 0;
      this.#tail = Buffer.alloc(0);
      if (start !== undefined && start.inode === inode) {
        const tail = Buffer.from(start.tail, 'base64');
        if (current.size >= start.offset && (await this.#bytesBefore(start.offset, tail.length)).equals(tail)) {
          this.#position = start.offset;
          this.#tail = tail;
        }
      }
    } else if (current.size < this.#position || !(await this.#bytesBefore(this.#position, this.#tail.length)).equals(this.#tail)) {
      // copytruncate: the file was emptied in place (and, within one poll, may have grown past the old position again).
      this.#flushPartial();
      this.#position = 0;
      this.#tail = Buffer.alloc(0);
      this.stats.rotations.copytruncate += 1;
    }
    await this.#readToEnd();
    this.stats.healthy = true;
    this.#saveState();
    const renameAt = this.#options.renameAtBytes ?? 0;
    // The next poll finds another file at the path and reads this one to its end first.
    if (renameAt > 0 && this.#position >= renameAt) {
      await rename(this.#options.path, `${this.#options.path}.1`).catch((error: Error) => {
        throw new Error(`cannot rename it to ${this.#options.path}.1 at its size limit, so it keeps growing: ${error.message}`);
      });
    }
  }

  /** Only the very file that was read: still where it was, and no longer what the path points to. */
  async #removeRotated(): Promise<void> {
    const old = this.#realPath;
    this.#realPath = undefined;
    if (old === undefined) return;
    const there = await stat(old).catch(() => undefined);
    const current = await realpath(this.#options.path).catch(() => undefined);
    if (there !== undefined && `${there.dev}:${there.ino}` === this.#inode && current !== old) await unlink(old);
  }

  async #bytesBefore(offset: number, length: number): Promise<Buffer> {
    const handle = this.#handle;
    if (handle === undefined || length === 0) return Buffer.alloc(0);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset - length);
    return buffer.subarray(0, bytesRead);
  }

  /** Written only when the position moved, through a rename so a crash never leaves half a state. */
  #saveState(): void {
    const path = this.#options.stateFile;
    if (path === undefined || this.#inode === undefined) return;
    const state = JSON.stringify({ inode: this.#inode, offset: this.#position, tail: this.#tail.toString('base64') } satisfies Position);
    if (state === this.#savedState) return;
    writeFileSync(`${path}.tmp`, state, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    this.#savedState = state;
  }

  async #readToEnd(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    const buffer = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, this.#position);
      if (bytesRead === 0) return;
      this.#position += bytesRead;
      this.stats.bytesRead += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      this.#tail = Buffer.concat([this.#tail, chunk.subarray(Math.max(0, bytesRead - tailBytes))]).subarray(-tailBytes);
      this.#consume(chunk);
    }
  }

  #consume(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.#append(chunk.subarray(start, newline));
      this.#emit();
      start = newline + 1;
    }
    this.#append(chunk.subarray(start));
  }

  #append(bytes: Buffer): void {
    if (this.#dropping || bytes.length === 0) return;
    const room = this.#options.maxLineBytes - this.#partial.length;
    if (bytes.length > room) {
      this.#partial = Buffer.concat([this.#partial, bytes.subarray(0, Math.max(0, room))]);
      this.#dropping = true;
      this.stats.truncatedLines += 1;
      return;
    }
    this.#partial = Buffer.concat([this.#partial, bytes]);
  }

  /** A last line without its newline belongs to the file that ended, not to the next one. */
  #flushPartial(): void {
    if (this.#partial.length > 0 || this.#dropping) this.#emit();
  }

  #emit(): void {
    let line = this.#partial.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.#partial = Buffer.alloc(0);
    this.#dropping = false;
    this.stats.lines += 1;
    this.#options.onLine(line);
  }
}
