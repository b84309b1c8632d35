// The download progress bar of `wirestack get -o FILE`, drawn on stderr: one
// line redrawn in place (at most ten times a second), then a summary line.

/** Where the bar is drawn. */
export interface ProgressOutput {
  write(text: string): void;
}

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A progress bar for a download of `total` bytes (`undefined`: unknown). */
export class ProgressBar {
  readonly #output: ProgressOutput;
  readonly #total: number | undefined;
  readonly #started = performance.now();
  readonly #width = 30;
  #received = 0;
  #drawnAt = -Infinity;
  #drawn = false;

  constructor(output: ProgressOutput, total: number | undefined) {
    this.#output = output;
    this.#total = total;
  }

  /** `n` more bytes arrived. */
  add(n: number): void {
    this.#received += n;
    const now = performance.now();
    if (now - this.#drawnAt >= 100) {
      this.#drawnAt = now;
      this.#draw(now);
    }
  }

  #draw(now: number): void {
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const rate = `${bytesText(Math.round(this.#received / seconds))}/s`;
    const total = this.#total;
    let line: string;
    if (total !== undefined && total > 0) {
      const fraction = Math.min(this.#received / total, 1);
      const filled = Math.round(fraction * this.#width);
      line = `[${"#".repeat(filled)}${"-".repeat(this.#width - filled)}] ${
        String(Math.floor(fraction * 100)).padStart(3)
      }% ${bytesText(this.#received)} of ${bytesText(total)} ${rate}`;
    } else {
      line = `${bytesText(this.#received)} ${rate}`;
    }
    this.#output.write(`\r${line.padEnd(78)}`);
    this.#drawn = true;
  }

  /** The download ended: the last state of the bar, then a summary line. */
  finish(file: string): void {
    const now = performance.now();
    this.#draw(now);
    const seconds = (now - this.#started) / 1000;
    this.#output.write(
      `${this.#drawn ? "\n" : ""}saved ${this.#received} bytes to ${file} in ${
        seconds.toFixed(2)
      } s\n`,
    );
  }
}
