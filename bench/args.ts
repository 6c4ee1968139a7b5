/** Command-line options of the benchmarks: `--name value` and boolean `--flag`. */
export interface OptionSpec {
  /** Options that take a value. */
  values: readonly string[];
  /** Options that take none. */
  flags: readonly string[];
}

export interface ParsedOptions {
  values: Map<string, string>;
  flags: Set<string>;
}

export function parseOptions(
  argv: readonly string[],
  spec: OptionSpec,
  command: string,
): ParsedOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    const name = argument.replace(/^--/, "");
    if (!argument.startsWith("--")) {
      throw new Error(`${command}: unexpected argument ${JSON.stringify(argument)}`);
    }
    if (spec.flags.includes(name)) {
      flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith("--")) {
        throw new Error(`${command}: --${name} needs a value`);
      }
      values.set(name, value);
      index += 1;
    } else {
      const known = [...spec.values, ...spec.flags].map((option) => `--${option}`).join(", ");
      throw new Error(`${command}: unknown option ${argument} (known: ${known})`);
    }
  }
  return { values, flags };
}

/** A whole number option within bounds, or its default. */
export function integerOption(
  options: ParsedOptions,
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
): number {
  const text = options.values.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new Error(
      `--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got ${text}`,
    );
  }
  return value;
}
