// The rejected rows of a CSV import, written to their CSV (line, reason, row) in line order as they
// become final. Rows are rejected out of order (a batch's rows when it is upserted, after rows read
// later were rejected; a quote open at the end of the file while earlier rows wait to be read), so
// those that may still have an earlier row come after them are held; the rest is on disk. Every
// rejected row used to be held until the end: about the 50 MB file per running import.
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { csvField, csvFieldPieces } from "../../text/csv-field";
import { PRIVATE_FILE_MODE } from "../../db/file-modes";

export type RejectedRow = { line: number; reason: string };
type Rejection = RejectedRow & { raw: string };

/** How much of a rejected row is escaped and written at once (a stream's write waits its turn past 16 KiB). */
const WRITE_PIECE_CHARS = 64 * 1024;

export class RejectedRows {
  private held: Rejection[] = [];
  private heldChars = 0;
  private readonly out: WriteStream | null;
  /** the stream's error (a disk full, the folder gone): listened for from the start, an unheard 'error' ends the process */
  private failure: NodeJS.ErrnoException | null = null;
  /** the first `listLimit` rejected rows, in line order, for the report */
  readonly listed: RejectedRow[] = [];

  constructor(
    file: string | undefined,
    private readonly listLimit: number,
  ) {
    // whole rows of users' data: only the server's user reads them (lib/db/file-modes.ts)
    this.out = file ? createWriteStream(file, { mode: PRIVATE_FILE_MODE }) : null;
    this.out?.on("error", (err) => (this.failure ??= err));
    this.out?.write("line,reason,row\n");
  }

  add(rejection: Rejection) {
    this.held.push(rejection);
    this.heldChars += rejection.raw.length;
  }

  /** Whether enough is held that the rows before it are worth settling (a partial batch upserted) and written. */
  get holdsMany() {
    return this.held.length >= 1000 || this.heldChars >= 4 * 1024 * 1024;
  }

  /** Writes, in line order, the rows held up to `line`: no row up to it can be rejected any more. */
  async release(line: number) {
    if (!this.held.length) return;
    this.held.sort((a, b) => a.line - b.line);
    let n = 0;
    while (n < this.held.length && this.held[n]!.line <= line) n++;
    const done = this.held.splice(0, n);
    for (const r of done) {
      this.heldChars -= r.raw.length;
      if (this.listed.length < this.listLimit) this.listed.push({ line: r.line, reason: r.reason });
      if (this.out) await this.write(r);
    }
  }

  /** Writes what is held and closes the file; throws if any of it could not be written. */
  async close() {
    await this.release(Infinity);
    if (!this.out) return;
    this.out.end();
    await finished(this.out).catch(() => undefined);
    this.check();
  }

  /** Closes the file without writing what is held (the import failed). */
  abort() {
    this.out?.destroy();
  }

  private async write(r: Rejection) {
    // a row of a million characters is written a piece at a time, each piece's quotes doubled on its turn
    let text = `${r.line},${csvField(r.reason)},`;
    for (const piece of csvFieldPieces(r.raw, WRITE_PIECE_CHARS)) {
      text += piece;
      if (text.length >= WRITE_PIECE_CHARS) {
        await this.put(text);
        text = "";
      }
    }
    await this.put(`${text}\n`);
  }

  private async put(text: string) {
    this.check();
    // once() rejects on an 'error' while it waits; check() words it
    if (!this.out!.write(text)) await once(this.out!, "drain").catch(() => undefined);
    this.check();
  }

  private check() {
    if (!this.failure) return;
    // the error's message names the file's path on the server: not for the member who reads it
    const { message, path } = this.failure;
    throw new Error(`could not write the rejected rows: ${path ? message.replace(` '${path}'`, "") : message}`);
  }
}
