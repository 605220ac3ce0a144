/**
 * `holdfast <command>` (SPEC section 8). This file stays small and loads a command's module only when that
 * command runs, so `--help` and quick commands start fast.
 *
 * Exit codes: 0 done; 1 a user error (bad option, missing file, no database...) printed as one line naming the
 * problem, or a failure; usage and `--help` print to stdout and exit 0.
 */
import { COMMANDS, familyUsage, findCommand, usage, commandUsage } from './commands.ts';
import type { CommandSpec } from './commands.ts';
import { parseArgs, UsageError } from './args.ts';
import { reportFailure } from './failure.ts';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, (name) => COMMANDS.some((c) => c.options?.[name]?.value !== undefined));
  const [first, ...rest] = args.positional;
  const wantsHelp = args.options.has('help') || args.options.has('h');

  if (first === undefined) {
    if (args.options.has('version')) {
      const { createRequire } = await import('node:module');
      process.stdout.write(`holdfast ${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}\n`);
      return 0;
    }
    const other = [...args.options.keys()].find((o) => o !== 'help' && o !== 'h');
    if (other !== undefined) throw new UsageError(`holdfast has no option --${other} before a command (it takes --help and --version)`);
    process.stdout.write(usage());
    return wantsHelp ? 0 : 1;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      process.stdout.write(usage());
      return 0;
    }
    const spec = findCommand(rest);
    if (spec) {
      process.stdout.write(commandUsage(spec));
      return 0;
    }
    // `help keys`: the usage of each command of the family.
    const family = familyUsage(rest[0]!);
    if (family === null) throw new UsageError(`there is no command "${rest.join(' ')}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
    process.stdout.write(family);
    return 0;
  }
  const spec = findCommand(args.positional);
  if (!spec) {
    const family = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (family.length && wantsHelp) {
      process.stdout.write(familyUsage(first)!);
      return 0;
    }
    if (family.length) throw new UsageError(`${first} needs one of: ${family.map((c) => c.name.slice(first.length + 1)).join(', ')}`);
    throw new UsageError(`there is no command "${first}"; the commands are ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}`);
  }
  if (wantsHelp) {
    process.stdout.write(commandUsage(spec));
    return 0;
  }
  checkArgs(spec, args.positional.slice(spec.name.split(' ').length), args.options);
  const { loadConfig } = await import('../config/config.ts');
  const config = loadConfig();
  return spec.run({ config, operands: args.positional.slice(spec.name.split(' ').length), options: args.options });
}

/** Refuses unknown options, missing option values and a wrong number of operands, naming what was wrong. */
function checkArgs(spec: CommandSpec, operands: readonly string[], options: ReadonlyMap<string, string | true>): void {
  for (const [name, value] of options) {
    const known = spec.options?.[name];
    if (!known) {
      const allowed = Object.keys(spec.options ?? {});
      throw new UsageError(`holdfast ${spec.name} has no option --${name}${allowed.length ? ` (it takes ${allowed.map((o) => `--${o}`).join(', ')})` : ''}`, spec.name);
    }
    if (known.value && value === true) throw new UsageError(`--${name} needs a value: --${name} ${known.value}`, spec.name);
    if (!known.value && value !== true) throw new UsageError(`--${name} takes no value`, spec.name);
  }
  const wanted = spec.operands ?? [];
  if (operands.length < wanted.length) throw new UsageError(`holdfast ${spec.name} needs ${wanted.slice(operands.length).map((o) => `<${o}>`).join(' ')}`, spec.name);
  if (operands.length > wanted.length) throw new UsageError(`holdfast ${spec.name} does not take "${operands.slice(wanted.length).join(' ')}"`, spec.name);
}

main(process.argv.slice(2)).then(
  (code) => {
    // A server command answers -1: it keeps running until a signal stops it.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => process.exit(reportFailure(error)),
);
