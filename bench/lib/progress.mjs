/**
 * One progress bar on stderr for the whole bench (cli-progress): its units are the planned seconds of each task,
 * so its ETA is the plan corrected by how fast the work actually goes. Within a task the bar moves with the clock
 * (a task never shows done before it is); `note` names the step under way; `log` prints above the bar. Without a
 * terminal (output to a file) it prints a line every 10 seconds instead.
 */
import cliProgress from 'cli-progress';

export class Progress {
  /** @param {number} totalSeconds */
  constructor(totalSeconds) {
    this.total = Math.max(1, Math.round(totalSeconds));
    this.done = 0;
    this.multi = new cliProgress.MultiBar({
      format: '{bar} {percentage}% | {duration_formatted} elapsed, about {eta_formatted} left | {task}',
      barsize: 30,
      hideCursor: true,
      gracefulExit: false,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 200,
      etaAsynchronousUpdate: true,
      fps: 4,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic);
    this.bar = this.multi.create(this.total, 0, { task: 'starting' });
  }

  /**
   * Runs one task of about `seconds`, the bar advancing with the clock up to just short of its share.
   * @template T
   * @param {string} label
   * @param {number} seconds
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  async task(label, seconds, fn) {
    const start = this.done;
    const share = Math.max(0, seconds);
    const began = Date.now();
    this.label = label;
    this.bar.update(Math.round(start), { task: label });
    const timer = setInterval(() => {
      const elapsed = (Date.now() - began) / 1000;
      const moved = share * Math.min(0.97, elapsed / Math.max(1, share));
      this.bar.update(Math.min(this.total, Math.round(start + moved)), { task: this.step ? `${label}: ${this.step}` : label });
    }, 250);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      this.step = null;
      this.done = start + share;
      this.bar.update(Math.min(this.total, Math.round(this.done)), { task: label });
    }
  }

  /** Names the step under way in the current task. */
  note(step) {
    this.step = step;
    this.bar.update(Math.min(this.total, Math.round(this.done)), { task: `${this.label}: ${step}` });
  }

  log(text) {
    this.multi.log(`${text}\n`);
  }

  stop() {
    this.bar.update(this.total, { task: 'done' });
    this.multi.stop();
  }
}
