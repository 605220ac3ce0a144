/**
 * A process's notices on PostgreSQL, on a connection of its own: API keys changed (heard by every process that
 * remembers keys) and which skus' ATP a commit changed (heard by every process that keeps ATP in memory).
 */
import pg from 'pg';
import { ATP_NOTICES, KEY_NOTICES } from './dialect/postgres.ts';
import type { AtpChange } from './atp-changes.ts';

/** How the notices' connection shows in `pg_stat_activity`. */
export const NOTICES_APPLICATION = 'holdfast notices';

/** How long a notice's text may be (PostgreSQL refuses 8000 bytes and more); skus travel in as many as needed. */
const NOTICE_BYTES = 7_000;
const SEPARATOR = '\x1e';
/**
 * ATP notices go out at most once per this many milliseconds; what commits meanwhile goes in the next batch. A
 * notice per commit cost one process about a tenth of its intake on PostgreSQL (docs/performance-journal.md, "The
 * notices' cost, and notices sent together"); other processes hear a change at most this much later.
 */
export const NOTICE_INTERVAL_MS = 20;

/**
 * The notices of one process, on a connection of its own (not the pool's), opened the first time it is needed:
 * - key notices (`KEY_NOTICES`), sent by the transactions that change keys and heard here (`keysStamp`);
 * - ATP notices (`ATP_NOTICES`): after each commit that changed what ATP answers read (`announce`), which skus (or
 *   all), so that other processes' memory (./atp-memory.ts) forgets them. They are sent after the commit, not in the
 *   transaction: a notifying commit holds a lock of the whole server through its WAL flush, which would cost every
 *   writer (docs/performance-journal.md, "What the ATP tail on PostgreSQL is not (2026-12-06, afternoon)"). One batch
 *   is in flight at a time, at most one every `NOTICE_INTERVAL_MS`; what commits meanwhile goes in the next. The
 *   connection does not wait for the disk (`synchronous_commit = off`): a notice is a hint, and its transaction
 *   holds nothing.
 *
 * It counts as listening once it has heard a notice it sent itself after its LISTEN (behind a pooler in transaction
 * mode it never does). While it is not listening (connecting, or the connection was lost and is being made again a
 * second later), every key stamp is a new number, so that nothing is remembered meanwhile, and `listening()` is false,
 * so ATP is read. ATP notices that could not be sent are sent as one notice of all once the connection is back.
 */
export class Notices {
  private heard = 0;
  private client: pg.Client | null = null;
  private connected = false;
  private isListening = false;
  private started = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** Tells this process's own ATP notices from others'. */
  private readonly tag = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  private pending: { all: boolean; skus: Set<string> } = { all: false, skus: new Set() };
  private sending: Promise<void> | null = null;
  /** When the last ATP notice went out, and the timer holding the next one back until the interval has passed. */
  private lastSent = 0;
  private held: NodeJS.Timeout | null = null;
  /** This connection's server process, and the other Holdfast processes' as last seen (`watchPeers`). */
  private backendPid = 0;
  private peers: Set<number> | null = null;
  /** Processes that said they closed after sending all their notices. */
  private readonly closedCleanly = new Set<number>();
  /** Processes heard saying they started listening, since the last look: one may be gone before a look sees it. */
  private readonly heardStarting = new Set<number>();
  private watch: NodeJS.Timeout | null = null;
  private whenConnected: (() => void)[] = [];

  constructor(
    private readonly url: string,
    /** Another process changed these skus (or all). */
    private readonly onChange: (change: AtpChange) => void,
    /** Listening again after a time deaf: notices were perhaps missed. */
    private readonly onListening: () => void,
    /**
     * Whether to look, every second, for Holdfast processes that went away without saying so: one that died
     * between a commit and its notice leaves changes unheard, so all is forgotten then (for ATP kept in memory).
     */
    private readonly watchPeers: boolean,
  ) {}

  /**
   * Resolves once the connection is up (at most 5 s), so that a process that writes is seen by the others before
   * its first commit: should it die before its notice, they see it go (`watchPeers`).
   */
  ready(): Promise<void> {
    this.start();
    if (this.connected || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      timer.unref();
      this.whenConnected.push(() => (clearTimeout(timer), resolve()));
    });
  }

  keysStamp(): number {
    this.start();
    return this.isListening ? this.heard : ++this.heard;
  }

  listening(): boolean {
    this.start();
    return this.isListening;
  }

  /** Tells the other processes, soon, what a commit of this one changed. */
  announce(change: AtpChange): void {
    if (this.closed) return;
    if (change.all) this.pending.all = true;
    else for (const sku of change.skus) this.pending.skus.add(sku);
    this.start();
    this.flush();
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.listen();
  }

  private flush(): void {
    const client = this.client;
    if (this.sending !== null || this.held !== null || client === null || !this.connected) return;
    const { all, skus } = this.pending;
    if (!all && skus.size === 0) return;
    const wait = this.lastSent + NOTICE_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.held = setTimeout(() => {
        this.held = null;
        this.flush();
      }, wait);
      return;
    }
    this.lastSent = Date.now();
    this.pending = { all: false, skus: new Set() };
    const payloads = all ? [`${this.tag}${SEPARATOR}all`] : this.payloads(skus);
    this.sending = client
      .query('select pg_notify($1, p) from unnest($2::text[]) p', [ATP_NOTICES, payloads])
      .then(
        () => undefined,
        () => {
          // Not sent: the others hear one notice of all when the connection is back.
          this.pending.all = true;
        },
      )
      .finally(() => {
        this.sending = null;
        this.flush();
      });
  }

  private payloads(skus: Iterable<string>): string[] {
    const head = `${this.tag}${SEPARATOR}skus`;
    const out: string[] = [];
    let text = head;
    for (const sku of skus) {
      if (text.length + 1 + Buffer.byteLength(sku) > NOTICE_BYTES && text !== head) (out.push(text), (text = head));
      text += SEPARATOR + sku;
    }
    if (text !== head) out.push(text);
    return out;
  }

  private heardAtp(payload: string): void {
    const [tag, kind, ...rest] = payload.split(SEPARATOR);
    if (tag === this.tag) return;
    if (kind === 'closed') this.closedCleanly.add(Number(rest[0]));
    else if (kind === 'hello') this.heardStarting.add(Number(rest[0]));
    else this.onChange(kind === 'skus' ? { all: false, skus: new Set(rest) } : { all: true });
  }

  /**
   * Looks for Holdfast processes gone since the last look without saying they closed cleanly: those seen then, and
   * those heard starting before this look began (a process that writes once and dies within a second).
   */
  private async lookForPeers(client: pg.Client): Promise<void> {
    const heard = [...this.heardStarting];
    this.heardStarting.clear();
    const r = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()', [
      NOTICES_APPLICATION,
    ]);
    const now = new Set(r.rows.map((row) => row.pid));
    const expected = new Set([...(this.peers ?? []), ...heard]);
    this.peers = now;
    let vanished = false;
    for (const pid of expected) if (!now.has(pid) && !this.closedCleanly.delete(pid)) vanished = true;
    if (vanished) this.onChange({ all: true });
  }

  private listen(): void {
    // Keep-alive probes find a connection that died silently (no FIN), which would otherwise look like one that hears.
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: NOTICES_APPLICATION });
    this.client = client;
    const probe = `probe ${this.tag} ${Date.now()} ${Math.random()}`;
    let unheard: NodeJS.Timeout | null = null;
    const lost = () => {
      if (unheard) clearTimeout(unheard);
      if (this.client !== client) return;
      this.client = null;
      this.connected = false;
      this.isListening = false;
      if (this.watch) clearInterval(this.watch);
      this.peers = null;
      client.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => this.listen(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (this.client !== client) return;
      if (n.channel === ATP_NOTICES) return this.heardAtp(n.payload ?? '');
      // Notices sent before the probe came back were perhaps not heard: the number moves once more, and what was
      // remembered goes.
      this.heard++;
      if (n.payload === probe) {
        if (unheard) clearTimeout(unheard);
        this.isListening = true;
        this.onListening();
      }
    });
    client
      .connect()
      .then(() => client.query(`set synchronous_commit = off; listen ${KEY_NOTICES}; listen ${ATP_NOTICES}`))
      // Says it started, so that the others expect it to say it closed (should it die before their next look).
      .then(() => client.query<{ pid: number }>(`select pg_backend_pid() as pid, pg_notify($1, $2 || pg_backend_pid()) as said`, [ATP_NOTICES, [this.tag, 'hello', ''].join(SEPARATOR)]))
      .then((r) => {
        this.backendPid = r.rows[0]!.pid;
        this.connected = true;
        for (const resolve of this.whenConnected.splice(0)) resolve();
        this.flush();
        if (this.watchPeers) {
          const look = () => void this.lookForPeers(client).catch(() => undefined);
          look();
          this.watch = setInterval(look, 1_000);
          this.watch.unref();
        }
        unheard = setTimeout(lost, 5_000).unref();
        return client.query('select pg_notify($1, $2)', [KEY_NOTICES, probe]);
      })
      .catch(lost);
  }

  /** Sends what is still to be sent (waiting up to 5 s for the connection), then closes it. */
  async close(): Promise<void> {
    const until = Date.now() + 5_000;
    while ((this.sending !== null || this.pending.all || this.pending.skus.size > 0) && Date.now() < until) {
      await (this.sending ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.held) clearTimeout(this.held);
    if (this.watch) clearInterval(this.watch);
    const client = this.client;
    const clean = this.connected && !this.pending.all && this.pending.skus.size === 0;
    this.client = null;
    this.connected = false;
    this.isListening = false;
    for (const resolve of this.whenConnected.splice(0)) resolve();
    // Everything was sent: the others need not forget all when this connection goes.
    if (clean) await client?.query('select pg_notify($1, $2)', [ATP_NOTICES, [this.tag, 'closed', this.backendPid].join(SEPARATOR)]).catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
