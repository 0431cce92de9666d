import { type Stats, statSync } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

export interface FollowerOptions {
  readonly path: string;
  /** Read the file from its beginning on start instead of its end. */
  readonly fromStart: boolean;
  /** Longest line kept; the rest of a longer line is dropped (the line is still delivered, cut). */
  readonly maxLineBytes: number;
  readonly pollIntervalMs: number;
  readonly onLine: (line: string) => void;
  readonly onError?: (message: string) => void;
}

export interface FollowerStats {
  bytesRead: number;
  lines: number;
  rotations: number;
  truncatedLines: number;
  /** Whether the last poll followed a regular file without an error (false while it is missing or unreadable). */
  healthy: boolean;
}

const chunkSize = 64 * 1024;

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
  readonly stats: FollowerStats = { bytesRead: 0, lines: 0, rotations: 0, truncatedLines: 0, healthy: false };
  readonly #options: FollowerOptions;
  #handle: FileHandle | undefined;
  #inode: string | undefined;
  #position = 0;
  #partial = Buffer.alloc(0);
  #dropping = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  /** Where "the end" was when the follower was made: only that file, up to that offset, is old news. */
  #startAt: { inode: string; size: number } | undefined;

  constructor(options: FollowerOptions) {
    this.#options = options;
    const current = options.fromStart ? undefined : statOrUndefined(options.path);
    this.#startAt = current === undefined ? undefined : { inode: `${current.dev}:${current.ino}`, size: current.size };
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
        this.stats.rotations += 1;
      }
    }
    if (current === undefined) {
      this.stats.healthy = false;
      return;
    }
    if (this.#handle === undefined) {
      this.#handle = await open(this.#options.path, 'r');
      this.#inode = inode;
      // Only the file present when the follower was made is read from where it ended then; one that appears later is all new.
      this.#position = this.#startAt !== undefined && this.#startAt.inode === inode ? this.#startAt.size : 0;
      this.#startAt = undefined;
    } else if (current.size < this.#position) {
      // copytruncate: the file was emptied in place.
      this.#flushPartial();
      this.#position = 0;
      this.stats.rotations += 1;
    }
    await this.#readToEnd();
    this.stats.healthy = true;
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
      this.#consume(buffer.subarray(0, bytesRead));
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
