/**
 * A small regular-expression engine that cannot hang. Filters live in shareable URLs and name
 * maps come from imported JSON, so a pattern is untrusted input: JavaScript's backtracking
 * RegExp can take exponential time on `(a+)+$`. Here a pattern compiles to a Thompson NFA;
 * `test` runs a lazily built DFA over it and `exec` a Pike VM, both linear in
 * input length × program size (RE2's approach). Constructs that need backtracking
 * (backreferences, lookaround, word boundaries) are rejected with a clear error.
 */
import { LensError } from '../../base/errors';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LITERAL_CHARS,
  MAX_REGEX_CAPTURE_STEPS,
  MAX_REGEX_DFA_STATES,
  MAX_REGEX_STATES,
} from '../../base/limits';

/** Inclusive UTF-16 code-unit ranges. */
type Ranges = readonly (readonly [number, number])[];

interface CharSet {
  ranges: Ranges;
  negated: boolean;
}

type RegexNode =
  | { type: 'empty' }
  | { type: 'set'; set: CharSet }
  | { type: 'start' }
  | { type: 'end' }
  | { type: 'concat'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'group'; body: RegexNode; capture: number | null }
  | { type: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean };

/** Largest {m,n} bound accepted (the program-size limit usually bites first). */
const MAX_REPEAT_BOUND = 1000;
const MAX_CAPTURES = 9;

const DIGIT: Ranges = [[48, 57]];
const WORD: Ranges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
const SPACE: Ranges = [
  [9, 13],
  [32, 32],
  [160, 160],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** `.` without the s flag: everything but line terminators. */
const DOT: CharSet = {
  ranges: [
    [10, 10],
    [13, 13],
    [0x2028, 0x2029],
  ],
  negated: true,
};

function single(code: number): CharSet {
  return { ranges: [[code, code]], negated: false };
}

class RegexParser {
  private pos = 0;
  private captures = 0;
  constructor(
    private readonly source: string,
    /** Column of the pattern's first character in the enclosing text, for errors. */
    private readonly column: number,
  ) {}

  parse(): { node: RegexNode; captures: number } {
    const node = this.alternation(0);
    if (this.pos < this.source.length) this.fail(`an unmatched ")"`, this.source[this.pos]);
    return { node, captures: this.captures };
  }

  private fail(hint: string, actual?: string): never {
    throw new LensError('filter-regex-unsupported', {
      column: this.column + this.pos,
      hint,
      ...(actual !== undefined ? { actual } : {}),
    });
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  private alternation(depth: number): RegexNode {
    if (depth > MAX_FILTER_DEPTH) {
      throw new LensError('filter-too-deep', { column: this.column + this.pos, limit: MAX_FILTER_DEPTH });
    }
    const options = [this.concatenation(depth)];
    while (this.peek() === '|') {
      this.pos += 1;
      options.push(this.concatenation(depth));
    }
    return options.length === 1 ? options[0]! : { type: 'alt', options };
  }

  private concatenation(depth: number): RegexNode {
    const items: RegexNode[] = [];
    for (let char = this.peek(); char !== undefined && char !== '|' && char !== ')'; char = this.peek()) {
      items.push(this.quantified(depth));
    }
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  private quantified(depth: number): RegexNode {
    const atomStart = this.pos;
    const atom = this.atom(depth);
    const char = this.peek();
    let min: number;
    let max: number;
    if (char === '*') [min, max] = [0, Infinity];
    else if (char === '+') [min, max] = [1, Infinity];
    else if (char === '?') [min, max] = [0, 1];
    else if (char === '{' && this.looksLikeBraces()) {
      [min, max] = this.braces();
      this.pos -= 1; // braces() consumed the closing brace; the shared step below advances past it
    } else return atom;
    this.pos += 1;
    if (atom.type === 'start' || atom.type === 'end') {
      this.pos = atomStart;
      this.fail('an anchor cannot be repeated');
    }
    let greedy = true;
    if (this.peek() === '?') {
      greedy = false;
      this.pos += 1;
    }
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && this.looksLikeBraces())) {
      this.fail('a quantifier cannot follow another quantifier', next);
    }
    return { type: 'repeat', body: atom, min, max, greedy };
  }

  private looksLikeBraces(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.source.slice(this.pos, this.pos + 16));
  }

  private braces(): [number, number] {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos, this.pos + 16))!;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    if (min > MAX_REPEAT_BOUND || (max !== Infinity && max > MAX_REPEAT_BOUND)) {
      this.fail(`a repeat count above ${MAX_REPEAT_BOUND}`, match[0]);
    }
    if (max < min) this.fail('a repeat range with max below min', match[0]);
    this.pos += match[0].length;
    return [min, max];
  }

  private atom(depth: number): RegexNode {
    const char = this.peek()!;
    switch (char) {
      case '(':
        return this.group(depth);
      case '[':
        return { type: 'set', set: this.charClass() };
      case '.':
        this.pos += 1;
        return { type: 'set', set: DOT };
      case '^':
        this.pos += 1;
        return { type: 'start' };
      case '$':
        this.pos += 1;
        return { type: 'end' };
      case '\\':
        return this.escapeAtom();
      case '*':
      case '+':
      case '?':
        return this.fail('a quantifier with nothing to repeat', char);
      case '{':
        if (this.looksLikeBraces()) this.fail('a quantifier with nothing to repeat', char);
        break;
    }
    this.pos += 1;
    return { type: 'set', set: single(char.charCodeAt(0)) };
  }

  private group(depth: number): RegexNode {
    const open = this.pos;
    this.pos += 1;
    let capture: number | null = null;
    if (this.source.startsWith('?:', this.pos)) this.pos += 2;
    else if (this.peek() === '?') {
      const kind = this.source.slice(this.pos, this.pos + 3);
      this.pos = open;
      if (/^\?<[=!]/.test(kind) || /^\?[=!]/.test(kind)) this.fail('lookaround is not supported', `(${kind}`);
      this.fail('named groups and inline flags are not supported', `(${kind}`);
    } else {
      this.captures += 1;
      if (this.captures > MAX_CAPTURES) this.fail(`more than ${MAX_CAPTURES} capturing groups`);
      capture = this.captures;
    }
    const body = this.alternation(depth + 1);
    if (this.peek() !== ')') this.fail('a "(" without its ")"');
    this.pos += 1;
    return { type: 'group', body, capture };
  }

  /** Escapes valid outside classes: classes, control characters, escaped punctuation. */
  private escapeAtom(): RegexNode {
    const next = this.source[this.pos + 1];
    if (next === undefined) this.fail('a pattern cannot end with "\\"');
    if (next === 'b' || next === 'B') this.fail('word boundaries (\\b, \\B) are not supported', `\\${next}`);
    if (/[1-9]/.test(next) || next === 'k') this.fail('backreferences are not supported', `\\${next}`);
    return { type: 'set', set: this.escapeSet() };
  }

  /** Reads an escape at `pos` (which is at the backslash) as a character set. */
  private escapeSet(): CharSet {
    const next = this.source[this.pos + 1];
    this.pos += 2;
    switch (next) {
      case 'd':
        return { ranges: DIGIT, negated: false };
      case 'D':
        return { ranges: DIGIT, negated: true };
      case 'w':
        return { ranges: WORD, negated: false };
      case 'W':
        return { ranges: WORD, negated: true };
      case 's':
        return { ranges: SPACE, negated: false };
      case 'S':
        return { ranges: SPACE, negated: true };
      case 't':
        return single(9);
      case 'n':
        return single(10);
      case 'v':
        return single(11);
      case 'f':
        return single(12);
      case 'r':
        return single(13);
      case '0':
        return single(0);
      case 'x': {
        const hex = this.source.slice(this.pos, this.pos + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail('\\x needs two hex digits', `\\x${hex}`);
        this.pos += 2;
        return single(parseInt(hex, 16));
      }
      case 'u': {
        const hex = this.source.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u needs four hex digits', `\\u${hex}`);
        this.pos += 4;
        return single(parseInt(hex, 16));
      }
      default:
        if (next === undefined || /[A-Za-z0-9]/.test(next)) {
          this.pos -= 2;
          this.fail('an unknown escape', `\\${next ?? ''}`);
        }
        return single(next.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    const open = this.pos;
    this.pos += 1;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos += 1;
    }
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      const char = this.peek();
      if (char === undefined) {
        this.pos = open;
        this.fail('a "[" without its "]"');
      }
      if (char === ']' && !first) break;
      first = false;
      const low = this.classAtom();
      if (this.peek() === '-' && this.source[this.pos + 1] !== ']' && this.source[this.pos + 1] !== undefined) {
        this.pos += 1;
        const high = this.classAtom();
        const lowCode = singleCode(low);
        const highCode = singleCode(high);
        if (lowCode === null || highCode === null) this.fail('a range between classes such as \\d');
        if (highCode < lowCode) this.fail('a character range out of order');
        ranges.push([lowCode, highCode]);
      } else if (low.negated) {
        // [\D] and friends: add the complement of the class as explicit ranges.
        ranges.push(...complement(low.ranges));
      } else ranges.push(...low.ranges.map(([a, b]): [number, number] => [a, b]));
    }
    this.pos += 1;
    return { ranges, negated };
  }

  private classAtom(): CharSet {
    const char = this.peek()!;
    if (char === '\\') {
      const next = this.source[this.pos + 1];
      if (next === 'b') {
        this.pos += 2;
        return single(8);
      }
      if (next !== undefined && /[1-9]/.test(next)) this.fail('backreferences are not supported', `\\${next}`);
      return this.escapeSet();
    }
    this.pos += 1;
    return single(char.charCodeAt(0));
  }
}

function singleCode(set: CharSet): number | null {
  const only = set.ranges[0];
  return !set.negated && set.ranges.length === 1 && only && only[0] === only[1] ? only[0] : null;
}

function complement(ranges: Ranges): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [low, high] of sorted) {
    if (low > next) out.push([next, low - 1]);
    next = Math.max(next, high + 1);
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

// ---- program (Pike VM instructions) ----

type Instruction =
  | { op: 'char'; set: CharSet }
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'assert-start' }
  | { op: 'assert-end' }
  | { op: 'match' };

class Compiler {
  readonly program: Instruction[] = [];
  constructor(private readonly column: number) {}

  private emit(instruction: Instruction): number {
    if (this.program.length >= MAX_REGEX_STATES) {
      throw new LensError('filter-literal-too-large', {
        column: this.column,
        limit: MAX_REGEX_STATES,
        hint: 'the regular expression (after expanding its {m,n} repeats)',
      });
    }
    this.program.push(instruction);
    return this.program.length - 1;
  }

  private patchSplit(at: number, first: number, second: number): void {
    this.program[at] = { op: 'split', first, second };
  }

  /** Slot 0/1 frame the whole match, so exec can report where it starts and ends. */
  compileProgram(node: RegexNode): void {
    this.emit({ op: 'save', slot: 0 });
    this.compile(node);
    this.emit({ op: 'save', slot: 1 });
    this.emit({ op: 'match' });
  }

  private compile(node: RegexNode): void {
    switch (node.type) {
      case 'empty':
        return;
      case 'set':
        this.emit({ op: 'char', set: node.set });
        return;
      case 'start':
        this.emit({ op: 'assert-start' });
        return;
      case 'end':
        this.emit({ op: 'assert-end' });
        return;
      case 'concat':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let i = 0; i < node.options.length - 1; i += 1) {
          const split = this.emit({ op: 'split', first: 0, second: 0 });
          this.compile(node.options[i]!);
          jumps.push(this.emit({ op: 'jump', to: 0 }));
          this.patchSplit(split, split + 1, this.program.length);
        }
        this.compile(node.options[node.options.length - 1]!);
        for (const jump of jumps) this.program[jump] = { op: 'jump', to: this.program.length };
        return;
      }
      case 'group':
        if (node.capture !== null) this.emit({ op: 'save', slot: node.capture * 2 });
        this.compile(node.body);
        if (node.capture !== null) this.emit({ op: 'save', slot: node.capture * 2 + 1 });
        return;
      case 'repeat':
        this.repeat(node.body, node.min, node.max, node.greedy);
        return;
    }
  }

  private optional(body: RegexNode, greedy: boolean): void {
    const split = this.emit({ op: 'split', first: 0, second: 0 });
    this.compile(body);
    const after = this.program.length;
    this.patchSplit(split, greedy ? split + 1 : after, greedy ? after : split + 1);
  }

  private repeat(body: RegexNode, min: number, max: number, greedy: boolean): void {
    for (let i = 0; i < min; i += 1) this.compile(body);
    if (max === Infinity) {
      const split = this.emit({ op: 'split', first: 0, second: 0 });
      this.compile(body);
      this.emit({ op: 'jump', to: split });
      const after = this.program.length;
      this.patchSplit(split, greedy ? split + 1 : after, greedy ? after : split + 1);
      return;
    }
    for (let i = min; i < max; i += 1) this.optional(body, greedy);
  }
}

function setContains(set: CharSet, code: number, ignoreCase: boolean): boolean {
  let inside = rangesContain(set.ranges, code);
  if (!inside && ignoreCase) {
    const char = String.fromCharCode(code);
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    inside =
      (lower.length === 1 && rangesContain(set.ranges, lower.charCodeAt(0))) ||
      (upper.length === 1 && rangesContain(set.ranges, upper.charCodeAt(0)));
  }
  return inside !== set.negated;
}

function rangesContain(ranges: Ranges, code: number): boolean {
  for (const [low, high] of ranges) if (code >= low && code <= high) return true;
  return false;
}

interface DfaState {
  /** NFA pcs of `char` instructions reached after the epsilon closure. */
  charPcs: number[];
  /** The set already contains `match`: a search can stop with true. */
  matched: boolean;
  /** At the end of the input, `$` lets the set reach `match`. */
  matchesAtEnd: boolean;
  ascii: Int32Array;
  other: Map<number, number>;
}

export interface SafeRegex {
  readonly source: string;
  readonly flags: string;
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** True if the pattern matches anywhere in the input (like RegExp#test). */
  test(input: string): boolean;
  /** Leftmost-first match with JavaScript's priorities, or null; [start, end] per group (-1 if unset). */
  exec(input: string): number[] | null;
}

/** Compiles a pattern; throws LensError('filter-regex-unsupported' | 'filter-literal-too-large' | …). */
export function compileSafeRegex(source: string, flags = '', column = 1): SafeRegex {
  if (source.length > MAX_FILTER_LITERAL_CHARS) {
    throw new LensError('filter-literal-too-large', {
      column,
      limit: MAX_FILTER_LITERAL_CHARS,
      hint: `a regular expression of ${source.length} characters`,
    });
  }
  for (const flag of flags) {
    if (flag !== 'i') {
      throw new LensError('filter-regex-unsupported', { column, hint: `only the flag "i" is supported`, actual: flag });
    }
  }
  const ignoreCase = flags.includes('i');
  const { node, captures } = new RegexParser(source, column).parse();
  const compiler = new Compiler(column);
  compiler.compileProgram(node);
  return new Engine(source, flags, compiler.program, captures, ignoreCase);
}

class Engine implements SafeRegex {
  private states: DfaState[] = [];
  private stateIds = new Map<string, number>();

  constructor(
    readonly source: string,
    readonly flags: string,
    private readonly program: Instruction[],
    readonly groupCount: number,
    private readonly ignoreCase: boolean,
  ) {}

  /** Epsilon closure of `seeds`; `atStart` decides `^`. `$` is left pending (see matchesAtEnd). */
  private closure(seeds: readonly number[], atStart: boolean): { pcs: number[]; pendingEnd: number[] } {
    const seen = new Uint8Array(this.program.length);
    const pcs: number[] = [];
    const pendingEnd: number[] = [];
    const stack = [...seeds].reverse();
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen[pc]) continue;
      seen[pc] = 1;
      const instruction = this.program[pc]!;
      switch (instruction.op) {
        case 'char':
        case 'match':
          pcs.push(pc);
          break;
        case 'split':
          stack.push(instruction.second, instruction.first);
          break;
        case 'jump':
          stack.push(instruction.to);
          break;
        case 'save':
          stack.push(pc + 1);
          break;
        case 'assert-start':
          if (atStart) stack.push(pc + 1);
          break;
        case 'assert-end':
          pendingEnd.push(pc + 1);
          break;
      }
    }
    return { pcs, pendingEnd };
  }

  /** The state for a set of seeds (pcs after a consumed char, plus the search restart). */
  private stateFor(seeds: readonly number[], atStart: boolean): number {
    const { pcs, pendingEnd } = this.closure(seeds, atStart);
    const key = `${atStart ? 's' : ''}${pcs.join(',')}|${pendingEnd.join(',')}`;
    const known = this.stateIds.get(key);
    if (known !== undefined) return known;
    if (this.states.length >= MAX_REGEX_DFA_STATES) {
      // Bounded memory: drop the cache and rebuild on demand (still linear per character).
      this.states = [];
      this.stateIds.clear();
    }
    const matchPc = this.program.length - 1;
    let matchesAtEnd = false;
    if (pendingEnd.length > 0) {
      // After `$` only zero-width steps can follow; a second `$` is fine at the end too.
      let frontier = pendingEnd;
      const visited = new Set<number>();
      while (frontier.length > 0 && !matchesAtEnd) {
        const next: number[] = [];
        const reached = this.closure(frontier, false);
        if (reached.pcs.includes(matchPc)) matchesAtEnd = true;
        for (const pc of reached.pendingEnd) {
          if (visited.has(pc)) continue;
          visited.add(pc);
          next.push(pc);
        }
        frontier = next;
      }
    }
    const state: DfaState = {
      charPcs: pcs.filter((pc) => pc !== matchPc),
      matched: pcs.includes(matchPc),
      matchesAtEnd: pcs.includes(matchPc) || matchesAtEnd,
      ascii: new Int32Array(128).fill(-1),
      other: new Map(),
    };
    this.states.push(state);
    const id = this.states.length - 1;
    this.stateIds.set(key, id);
    return id;
  }

  private step(stateId: number, code: number): number {
    const state = this.states[stateId]!;
    const cached = code < 128 ? state.ascii[code]! : (state.other.get(code) ?? -1);
    if (cached >= 0) return cached;
    const seeds: number[] = [];
    for (const pc of state.charPcs) {
      const instruction = this.program[pc]!;
      if (instruction.op === 'char' && setContains(instruction.set, code, this.ignoreCase)) seeds.push(pc + 1);
    }
    // Unanchored search: a new attempt may start at every position.
    seeds.push(0);
    const generation = this.states;
    const next = this.stateFor(seeds, false);
    // If the cache was flushed while building `next`, `state` is gone: do not memoise into it.
    if (generation === this.states) {
      if (code < 128) state.ascii[code] = next;
      else state.other.set(code, next);
    }
    return next;
  }

  /** The start state, cached until the DFA cache is flushed (closures are the costly part). */
  private initial = -1;
  private initialStates: DfaState[] | null = null;

  test(input: string): boolean {
    if (this.initialStates !== this.states) {
      this.initial = this.stateFor([0], true);
      this.initialStates = this.states;
    }
    let state = this.initial;
    for (let i = 0; i < input.length; i += 1) {
      if (this.states[state]!.matched) return true;
      state = this.step(state, input.charCodeAt(i));
    }
    return this.states[state]!.matchesAtEnd;
  }

  exec(input: string): number[] | null {
    // The DFA answers "no match" far faster than the capture-tracking simulation below
    // (a 1000-state pattern over a 64 KiB name: 0.25 s instead of 14 s).
    if (!this.test(input)) return null;
    if ((input.length + 1) * this.program.length > MAX_REGEX_CAPTURE_STEPS) {
      throw new LensError('regex-too-costly', {
        hint: this.source,
        actual: input.length,
        limit: MAX_REGEX_CAPTURE_STEPS,
      });
    }
    // Pike VM over flat typed arrays: no allocation per position or per thread (a 900-state
    // pattern over a 64 KiB name runs ~58M thread steps; objects made that seconds of GC).
    const program = this.program;
    const size = program.length;
    const slots = (this.groupCount + 1) * 2;
    let currentPcs = new Int32Array(size);
    let currentCaps = new Int32Array(size * slots);
    let nextPcs = new Int32Array(size);
    let nextCaps = new Int32Array(size * slots);
    let currentCount = 0;
    let nextCount = 0;
    const runningPcs = new Int32Array(size);
    const runningCaps = new Int32Array(size * slots);
    // Closure stack: every pc is visited once per position, and each visit pushes at most two.
    const stackPcs = new Int32Array(2 * size + 2);
    const stackRows = new Int32Array(2 * size + 2);
    // Capture rows of the stack entries (a save copies its row into a fresh one).
    const rows = new Int32Array((2 * size + 2) * slots);
    const seen = new Int32Array(size);
    const fresh = new Int32Array(slots).fill(-1);
    let matched: Int32Array | null = null;
    let runningCount = 0;
    let rowCount = 0;
    const add = (pc: number, caps: Int32Array, capsAt: number, position: number): void => {
      const stamp = position + 1;
      for (let k = 0; k < slots; k += 1) rows[k] = caps[capsAt + k]!;
      rowCount = 1;
      let top = 0;
      stackPcs[0] = pc;
      stackRows[0] = 0;
      top = 1;
      while (top > 0) {
        top -= 1;
        const at = stackPcs[top]!;
        const row = stackRows[top]!;
        if (seen[at] === stamp) continue;
        seen[at] = stamp;
        const instruction = program[at]!;
        switch (instruction.op) {
          case 'split':
            // The lower-priority branch below the higher one.
            stackPcs[top] = instruction.second;
            stackRows[top] = row;
            stackPcs[top + 1] = instruction.first;
            stackRows[top + 1] = row;
            top += 2;
            break;
          case 'jump':
            stackPcs[top] = instruction.to;
            stackRows[top] = row;
            top += 1;
            break;
          case 'save': {
            const copy = rowCount++;
            for (let k = 0; k < slots; k += 1) rows[copy * slots + k] = rows[row * slots + k]!;
            rows[copy * slots + instruction.slot] = position;
            stackPcs[top] = at + 1;
            stackRows[top] = copy;
            top += 1;
            break;
          }
          case 'assert-start':
          case 'assert-end':
            if (instruction.op === 'assert-start' ? position === 0 : position === input.length) {
              stackPcs[top] = at + 1;
              stackRows[top] = row;
              top += 1;
            }
            break;
          default:
            runningPcs[runningCount] = at;
            for (let k = 0; k < slots; k += 1) runningCaps[runningCount * slots + k] = rows[row * slots + k]!;
            runningCount += 1;
        }
      }
    };
    for (let position = 0; position <= input.length; position += 1) {
      runningCount = 0;
      // Running threads keep priority over a fresh attempt that starts here.
      for (let t = 0; t < currentCount; t += 1) add(currentPcs[t]!, currentCaps, t * slots, position);
      if (matched === null) add(0, fresh, 0, position);
      const code = position < input.length ? input.charCodeAt(position) : -1;
      nextCount = 0;
      for (let t = 0; t < runningCount; t += 1) {
        const instruction = program[runningPcs[t]!]!;
        if (instruction.op === 'match') {
          matched = runningCaps.slice(t * slots, t * slots + slots);
          break; // lower-priority threads are cut off
        }
        if (instruction.op === 'char' && code >= 0 && setContains(instruction.set, code, this.ignoreCase)) {
          nextPcs[nextCount] = runningPcs[t]! + 1;
          for (let k = 0; k < slots; k += 1) nextCaps[nextCount * slots + k] = runningCaps[t * slots + k]!;
          nextCount += 1;
        }
      }
      [currentPcs, nextPcs] = [nextPcs, currentPcs];
      [currentCaps, nextCaps] = [nextCaps, currentCaps];
      currentCount = nextCount;
      if (currentCount === 0 && matched !== null) break;
    }
    return matched ? Array.from(matched) : null;
  }
}
