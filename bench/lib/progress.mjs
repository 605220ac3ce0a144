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
    this.value = 0;
    this.multi = new cliProgress.MultiBar({
      format: '{bar} {percentage}% | {duration_formatted} elapsed, {left} | {task}',
      barsize: 30,
      hideCursor: true,
      gracefulExit: false,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      fps: 4,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic);
    this.started = Date.now();
    this.bar = this.multi.create(this.total, 0, { task: 'starting', left: 'time left unknown' });
  }

  /** What is left: the plan still ahead, scaled by how the work done so far compared with its plan. */
  left(value) {
    if (value <= 0) return 'time left unknown';
    const seconds = ((this.total - value) * (Date.now() - this.started)) / 1000 / value;
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return `about ${m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`} left`;
  }

  update(value, task) {
    this.value = value;
    this.bar.update(value, { task, left: this.left(value) });
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
    this.update(Math.round(start), label);
    const timer = setInterval(() => {
      const elapsed = (Date.now() - began) / 1000;
      const moved = share * Math.min(0.97, elapsed / Math.max(1, share));
      this.update(Math.min(this.total, Math.round(start + moved)), this.step ? `${label}: ${this.step}` : label);
    }, 250);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      this.step = null;
      this.done = start + share;
      this.update(Math.min(this.total, Math.round(this.done)), label);
    }
  }

  /** Names the step under way in the current task; the bar stays where the clock has moved it. */
  note(step) {
    this.step = step;
    this.update(this.value, `${this.label}: ${step}`);
  }

  log(text) {
    this.multi.log(`${text}\n`);
  }

  stop() {
    this.bar.update(this.total, { task: 'done', left: 'done' });
    this.multi.stop();
  }
}
