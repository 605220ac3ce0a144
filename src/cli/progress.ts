/** A progress bar on stderr: redrawn in place on a terminal, a line per tenth elsewhere. */
export class ProgressBar {
  private lastTenth = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const ratio = this.total === 0 ? 1 : Math.min(1, done / this.total);
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.out.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} (${Math.round(ratio * 100)}%)`);
      if (ratio === 1) this.out.write('\n');
      return;
    }
    const tenth = Math.floor(ratio * 10);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${this.label}: ${done}/${this.total} (${tenth * 10}%)\n`);
    }
  }
}
