/**
 * The commands of `holdfast`: their usage text, options and operands, and a loader for the module that runs
 * each (imported only when the command runs).
 */
import type { Config } from '../config/config.ts';

export interface CommandInput {
  readonly config: Config;
  readonly operands: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export interface CommandSpec {
  /** One or two words: `serve`, `keys create`. */
  readonly name: string;
  readonly summary: string;
  /** Operand names in order, all required. */
  readonly operands?: readonly string[];
  /** Options: with `value`, the option takes one (its placeholder); otherwise it is a flag. */
  readonly options?: Readonly<Record<string, { readonly value?: string; readonly required?: boolean; readonly help: string }>>;
  readonly details?: string;
  /** Runs the command; answers the exit code, or -1 for a server that keeps running. */
  run(input: CommandInput): Promise<number>;
}

const ROLES = 'admin, operator, integration, viewer';

/** An import's help: all or nothing, and any size (the file is streamed), unlike the HTTP route's `limit`. */
const importDetails = (limit: string) =>
  'The whole file is checked first: every bad row is listed with its CSV line, and nothing is written unless all are good.\n' +
  `A file of any size: it is read as a stream, so this is the way to import more than the HTTP API takes: ${limit}.`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'serve',
    summary: 'the API, the console, the job scheduler and webhook delivery',
    details:
      'Environment: PORT (3000), HOST (127.0.0.1), DATABASE_URL (a SQLite file, default ./data/holdfast.db, or postgres://...),\n' +
      'HOLDFAST_ADMIN_KEY, HOLDFAST_CLOCK=manual, LOG_LEVEL (info). Applies pending migrations at start-up. Logs JSON.',
    run: async ({ config }) => (await import('./serve.command.ts')).serveCommand(config),
  },
  {
    name: 'demo',
    summary: 'serve the demo data (seeded into ./data/holdfast.db when it is empty); prints the addresses and an admin key',
    options: { fresh: { help: 'wipe the database and seed it again (refused while another holdfast process uses it)' } },
    details:
      'The admin key stays the same across restarts (kept in <database>.admin-key, mode 0600) unless HOLDFAST_ADMIN_KEY is set.\n' +
      'CLI commands run beside the demo act on the same database.',
    run: async ({ config, options }) => (await import('./demo.command.ts')).demoCommand(config, { fresh: options.has('fresh') }),
  },
  {
    name: 'migrate',
    summary: 'apply pending migrations, naming each (serve and demo do this at start-up too)',
    run: async ({ config }) => (await import('./migrate.command.ts')).migrateCommand(config),
  },
  {
    name: 'keys create',
    summary: 'print a new API key (stored hashed; shown once)',
    options: { role: { value: '<role>', required: true, help: `one of ${ROLES}` }, label: { value: '<text>', help: 'what the key is for' } },
    run: async ({ config, options }) => (await import('./keys.command.ts')).createKeyCommand(config, text(options, 'role'), text(options, 'label')),
  },
  {
    name: 'keys list',
    summary: 'the live API keys: id, role, label, created, last used (never the keys themselves)',
    run: async ({ config }) => (await import('./keys.command.ts')).listKeysCommand(config),
  },
  {
    name: 'keys revoke',
    summary: 'revoke an API key: from then on it gets 401',
    operands: ['id'],
    run: async ({ config, operands }) => (await import('./keys.command.ts')).revokeKeyCommand(config, operands[0]!),
  },
  {
    name: 'jobs run',
    summary: 'run a job now (backorder or preorder) and print its counts',
    operands: ['type'],
    options: { 'dry-run': { help: 'print what a manual run started now would do (every record, then the counts); write nothing' } },
    run: async ({ config, operands, options }) =>
      options.has('dry-run')
        ? (await import('./dry-run.command.ts')).dryRunCommand(config, operands[0]!)
        : (await import('./jobs.command.ts')).runJobCommand(config, operands[0]!),
  },
  {
    name: 'import on-hand',
    summary: 'set on-hand counts from a CSV file with the header sku,locationId,onHand',
    operands: ['file.csv'],
    details: importDetails('PUT /api/inventory/on-hand takes at most 50,000 rows, as JSON'),
    run: async ({ config, operands }) => (await import('./import.command.ts')).importCommand(config, 'on-hand', operands[0]!, {}),
  },
  {
    name: 'import schedules',
    summary: 'add schedule entries from a CSV file with the header sku,locationId,date,quantity[,reference]',
    operands: ['file.csv'],
    options: { replace: { help: 'every (sku, locationId, reference) in the file first loses its entries: re-importing a purchase order updates it' } },
    details: importDetails('POST /api/inventory/schedules takes at most 100,000 rows and 16 MiB'),
    run: async ({ config, operands, options }) =>
      (await import('./import.command.ts')).importCommand(config, 'schedules', operands[0]!, { replace: options.has('replace') }),
  },
  {
    name: 'doctor',
    summary: 'check reserved, line states, held dates, events, promised quantities and held-line counts against the lines',
    options: {
      repair: { help: 'recompute reserved, promised quantities and held-line counts from the lines in one transaction (each change recorded), forget the settled skus, check again' },
    },
    details:
      'Exit 0 when nothing is wrong, 1 otherwise (after --repair: when problems remain, such as lines in an impossible state,\n' +
      'which are reported and never changed). The same check is GET /api/admin/integrity.',
    run: async ({ config, options }) => (await import('./doctor.command.ts')).doctorCommand(config, { repair: options.has('repair') }),
  },
  {
    name: 'atp',
    summary: 'what a sku has now and the earliest date for a quantity, per location',
    operands: ['sku'],
    options: { location: { value: '<id>', help: 'one location only' }, quantity: { value: '<n>', help: 'the quantity to promise (default 1)' } },
    run: async ({ config, operands, options }) =>
      (await import('./atp.command.ts')).atpCommand(config, operands[0]!, text(options, 'location'), text(options, 'quantity')),
  },
];

function text(options: ReadonlyMap<string, string | true>, name: string): string | undefined {
  const v = options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** The command named by the first one or two words. */
export function findCommand(words: readonly string[]): CommandSpec | undefined {
  const two = words.slice(0, 2).join(' ');
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === words[0] && !c.name.includes(' '));
}

/** `keys create --role <role>`, the operands and the required options. */
function head(c: CommandSpec): string {
  const operands = (c.operands ?? []).map((o) => ` <${o}>`).join('');
  const required = Object.entries(c.options ?? {})
    .filter(([, o]) => o.required)
    .map(([name, o]) => ` --${name} ${o.value}`)
    .join('');
  return `${c.name}${operands}${required}`;
}

function synopsis(c: CommandSpec): string {
  const optional = Object.entries(c.options ?? {})
    .filter(([, o]) => !o.required)
    .map(([name, o]) => ` [--${name}${o.value ? ` ${o.value}` : ''}]`)
    .join('');
  return `holdfast ${head(c)}${optional}`;
}

export function usage(): string {
  // Each command with its options, as `help <command>` starts (the summary under it when the line would be long).
  const synopses = COMMANDS.map((c) => synopsis(c).slice('holdfast '.length));
  const width = Math.min(44, Math.max(...synopses.map((s) => s.length)));
  const lines = COMMANDS.map((c, i) => (synopses[i]!.length > width ? `  ${synopses[i]}\n  ${''.padEnd(width)}  ${c.summary}` : `  ${synopses[i]!.padEnd(width)}  ${c.summary}`));
  return [
    'usage: holdfast <command> [options]',
    '',
    ...lines,
    '',
    '  holdfast help <command>   (or <command> --help) for its options',
    '',
    'Storage: a SQLite file (./data/holdfast.db, the one the demo uses) unless DATABASE_URL names another file or postgres://...',
    '',
  ].join('\n');
}

/** The usage of every command of a family (`keys`: keys create, keys list, keys revoke); null when there is none. */
export function familyUsage(family: string): string | null {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${family} `));
  return members.length ? members.map(commandUsage).join('\n') : null;
}

export function commandUsage(c: CommandSpec): string {
  const options = Object.entries(c.options ?? {}).map(([name, o]) => `  --${`${name}${o.value ? ` ${o.value}` : ''}`.padEnd(18)}  ${o.help}`);
  return [`usage: ${synopsis(c)}`, '', `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, ...(options.length ? ['', ...options] : []), ...(c.details ? ['', c.details] : []), ''].join('\n');
}
