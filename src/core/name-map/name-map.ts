/**
 * Rename rules applied to checkpoint names before the diff: an exact map ({"old": "new"}, like
 * the TF→MindSpore tables in model zoos) and ordered regex → replacement rules. Patterns run on
 * the linear-time engine (imported JSON is untrusted); each rule replaces its first match, and
 * the rules apply one after the other, like a sed script.
 */
import { LensError } from '../../base/errors';
import {
  MAX_FILTER_LITERAL_CHARS,
  MAX_NAME_MAP_BYTES,
  MAX_NAME_MAP_PAIRS,
  MAX_NAME_MAP_RULES,
} from '../../base/limits';
import type { ByteSource } from '../../io/byte-source';
import { readTextBounded } from '../../io/read-whole';
import { compileSafeRegex, type SafeRegex } from '../selection/regex';

export interface RenameRule {
  /** Pattern in the filter regex syntax (no lookaround/backreferences). */
  pattern: string;
  /** Replacement: $1…$9 for groups, $& for the whole match, $$ for "$". */
  replacement: string;
  /** "" or "i". */
  flags?: string;
  description?: string;
  /** Disabled rules are kept (for editing) but not applied. Default true. */
  enabled?: boolean;
}

export interface NameMapSpec {
  /** Exact renames, checked first; a name found here skips the rules. */
  exact: Record<string, string>;
  rules: RenameRule[];
}

export interface RenameStep {
  rule: number;
  before: string;
  after: string;
}

export interface NameMap {
  readonly spec: NameMapSpec;
  apply(name: string): string;
  /** The steps that led from `name` to its new name (empty if unchanged). */
  explain(name: string): { name: string; result: string; exact: boolean; steps: RenameStep[] };
}

interface CompiledRule {
  index: number;
  regex: SafeRegex;
  replacement: string;
}

function badRule(index: number, hint: string, actual?: string): LensError {
  return new LensError('name-map-bad-rule', { line: index + 1, hint, ...(actual !== undefined ? { actual } : {}) });
}

function checkReplacement(replacement: string, groupCount: number, index: number): void {
  if (replacement.length > MAX_FILTER_LITERAL_CHARS) throw badRule(index, 'the replacement is too long');
  for (const match of replacement.matchAll(/\$(\d)/g)) {
    const group = Number(match[1]);
    if (group === 0 || group > groupCount) {
      throw badRule(index, `the replacement uses $${group} but the pattern has ${groupCount} group(s)`, replacement);
    }
  }
}

function substitute(input: string, match: number[], replacement: string): string {
  const group = (n: number): string => {
    const start = match[n * 2] ?? -1;
    const end = match[n * 2 + 1] ?? -1;
    return start < 0 || end < 0 ? '' : input.slice(start, end);
  };
  const expanded = replacement.replace(/\$(\$|&|\d)/g, (_, token: string) =>
    token === '$' ? '$' : token === '&' ? group(0) : group(Number(token)),
  );
  return input.slice(0, match[0]) + expanded + input.slice(match[1]);
}

export function compileNameMap(spec: NameMapSpec): NameMap {
  if (spec.rules.length > MAX_NAME_MAP_RULES) {
    throw new LensError('name-map-bad-json', { hint: `more than ${MAX_NAME_MAP_RULES} rules` });
  }
  const exactEntries = Object.entries(spec.exact);
  if (exactEntries.length > MAX_NAME_MAP_PAIRS) {
    throw new LensError('name-map-bad-json', { hint: `more than ${MAX_NAME_MAP_PAIRS} exact renames` });
  }
  const exact = new Map(exactEntries);
  const rules: CompiledRule[] = [];
  spec.rules.forEach((rule, index) => {
    if (rule.enabled === false) return;
    let regex: SafeRegex;
    try {
      regex = compileSafeRegex(rule.pattern, rule.flags ?? '');
    } catch (error) {
      if (error instanceof LensError) throw badRule(index, error.details.hint ?? error.code, rule.pattern);
      throw error;
    }
    checkReplacement(rule.replacement, regex.groupCount, index);
    rules.push({ index, regex, replacement: rule.replacement });
  });

  const explain = (name: string) => {
    const renamed = exact.get(name);
    if (renamed !== undefined) return { name, result: renamed, exact: true, steps: [] };
    let current = name;
    const steps: RenameStep[] = [];
    for (const rule of rules) {
      // The DFA answers "does it match at all" quickly; the Pike VM runs only for real matches.
      if (!rule.regex.test(current)) continue;
      const match = rule.regex.exec(current);
      if (!match) continue;
      const next = substitute(current, match, rule.replacement);
      if (next !== current) steps.push({ rule: rule.index, before: current, after: next });
      current = next;
    }
    return { name, result: current, exact: false, steps };
  };
  const apply = rules.length === 0 ? (name: string) => exact.get(name) ?? name : (name: string) => explain(name).result;
  return { spec, apply, explain };
}

export interface RenamePreview {
  renames: { from: string; to: string; exact: boolean; rules: number[] }[];
  unchanged: number;
  /** New names produced by more than one old name (the later one wins in a dict). */
  collisions: { to: string; from: string[] }[];
}

/** What the map does to a list of names: every rename, and the collisions it creates. */
export function previewNameMap(map: NameMap, names: readonly string[]): RenamePreview {
  const renames: RenamePreview['renames'] = [];
  const sources = new Map<string, string[]>();
  let unchanged = 0;
  for (const name of names) {
    const explained = map.explain(name);
    if (explained.result === name) unchanged += 1;
    else
      renames.push({
        from: name,
        to: explained.result,
        exact: explained.exact,
        rules: explained.steps.map((step) => step.rule),
      });
    const list = sources.get(explained.result);
    if (list) list.push(name);
    else sources.set(explained.result, [name]);
  }
  const collisions = [...sources].filter(([, from]) => from.length > 1).map(([to, from]) => ({ to, from }));
  return { renames, unchanged, collisions };
}

// ---- JSON import / export ----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readRule(value: unknown, index: number): RenameRule {
  if (!isRecord(value) || typeof value.pattern !== 'string' || typeof value.replacement !== 'string') {
    throw new LensError('name-map-bad-json', { hint: `rule ${index + 1} needs "pattern" and "replacement" strings` });
  }
  const rule: RenameRule = { pattern: value.pattern, replacement: value.replacement };
  if (typeof value.flags === 'string') rule.flags = value.flags;
  if (typeof value.description === 'string') rule.description = value.description;
  if (typeof value.enabled === 'boolean') rule.enabled = value.enabled;
  return rule;
}

function readExact(value: unknown): Record<string, string> {
  if (!isRecord(value))
    throw new LensError('name-map-bad-json', { hint: '"exact" must be an object of "old": "new" strings' });
  const exact: Record<string, string> = {};
  for (const [from, to] of Object.entries(value)) {
    if (typeof to !== 'string')
      throw new LensError('name-map-bad-json', { hint: `the new name for "${from}" is not a string` });
    exact[from] = to;
  }
  return exact;
}

/**
 * Accepts {"old": "new", …} (exact renames, e.g. models__ArtTrack_tf2ms.json),
 * {"exact": {…}, "rules": [{pattern, replacement, flags?}]} (our export) or a list of rules.
 */
export function parseNameMapJson(text: string, file?: string): NameMapSpec {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LensError('name-map-bad-json', {
      hint: error instanceof Error ? error.message : 'invalid JSON',
      ...(file ? { file } : {}),
    });
  }
  if (Array.isArray(data)) return { exact: {}, rules: data.map(readRule) };
  if (!isRecord(data))
    throw new LensError('name-map-bad-json', {
      hint: 'expected an object or a list of rules',
      ...(file ? { file } : {}),
    });
  if ('rules' in data || 'exact' in data) {
    const rules = data.rules === undefined ? [] : data.rules;
    if (!Array.isArray(rules)) throw new LensError('name-map-bad-json', { hint: '"rules" must be a list' });
    return { exact: data.exact === undefined ? {} : readExact(data.exact), rules: rules.map(readRule) };
  }
  return { exact: readExact(data), rules: [] };
}

/** Read and parse a name-map file (a browser File or a Node file as a ByteSource), its size checked first. */
export async function readNameMapSource(source: ByteSource, file: string, signal?: AbortSignal): Promise<NameMapSpec> {
  const text = await readTextBounded(
    source,
    MAX_NAME_MAP_BYTES,
    (size) => new LensError('name-map-too-large', { file, actual: size, limit: MAX_NAME_MAP_BYTES }),
    signal,
  );
  return parseNameMapJson(text, file);
}

export function exportNameMapJson(spec: NameMapSpec): string {
  return JSON.stringify({ exact: spec.exact, rules: spec.rules }, null, 2);
}
