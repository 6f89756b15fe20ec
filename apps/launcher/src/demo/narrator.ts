/**
 * The demo's output: step titles, narration, one line per check (✔ / ✘), and a live progress bar
 * (cli-progress) when writing to a terminal, or a line per second otherwise. Tests pass a silent narrator.
 */
import { SingleBar } from 'cli-progress';
import { styleText } from 'node:util';

export interface Check {
  label: string;
  ok: boolean;
  detail?: string;
}

export interface ProgressHandle {
  update(value: number, total: number, status: string): void;
  stop(): void;
}

export class Narrator {
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WritableStream | null = process.stdout,
    tty = (stream as { isTTY?: boolean } | null)?.isTTY === true,
  ) {
    this.tty = tty;
  }

  /** A narrator that prints nothing (tests). */
  static silent(): Narrator {
    return new Narrator(null, false);
  }

  title(text: string): void {
    this.line('');
    this.line(this.style('bold', `━━ ${text} ${'━'.repeat(Math.max(3, 70 - text.length))}`));
  }

  say(text: string): void {
    this.line(`   ${text}`);
  }

  check(check: Check): void {
    const mark = check.ok ? this.style('green', '✔') : this.style('red', '✘');
    this.line(`   ${mark} ${check.label}${check.detail === undefined ? '' : this.style('dim', ` (${check.detail})`)}`);
  }

  verdict(passed: boolean): void {
    this.line(`   ${passed ? this.style('green', 'PASS') : this.style('red', 'FAIL')}`);
  }

  line(text: string): void {
    this.stream?.write(`${text}\n`);
  }

  /** A bar of `value` out of `total`, with a status text. */
  progress(label: string): ProgressHandle {
    if (this.stream === null) return { update: () => undefined, stop: () => undefined };
    if (this.tty) {
      const bar = new SingleBar({
        format: `   ${label} |{bar}| {status}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 30,
        hideCursor: true,
        stream: this.stream as NodeJS.WriteStream,
        clearOnComplete: false,
      });
      bar.start(1, 0, { status: '' });
      return {
        update: (value, total, status) => {
          bar.setTotal(Math.max(1, total));
          bar.update(value, { status });
        },
        stop: () => bar.stop(),
      };
    }
    let last = 0;
    return {
      update: (value, total, status) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        this.line(`   ${label} ${value}/${total} ${status}`);
      },
      stop: () => undefined,
    };
  }

  private style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.tty ? styleText(format, text) : text;
  }
}
