/**
 * A small argv reader: positional words, and `--name value` / `--name=value` / `--flag` options (`-h` is
 * `--help`). Whether `--name` takes the next word as its value is decided by `takesValue`, so a flag followed
 * by an operand (`--replace file.csv`) stays a flag.
 */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], takesValue: (name: string) => boolean = () => false): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      options.set('help', true);
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) options.set(a.slice(2, eq), a.slice(eq + 1));
    else if (takesValue(a.slice(2)) && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) options.set(a.slice(2), argv[++i]!);
    else options.set(a.slice(2), true);
  }
  return { positional, options };
}

/** A mistake in how the command was called: printed as one line, exit 1, pointing at the command's help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}
