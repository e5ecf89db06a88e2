/**
 * A small regular-expression engine that cannot hang. Filters live in shareable URLs and name
 * maps come from imported JSON, so a pattern is untrusted input: JavaScript's backtracking
 * RegExp can take exponential time on `(a+)+$`. Here a pattern compiles to a Thompson NFA
 * whose size is known before it is built; `test` runs a lazily built, bounded DFA over it and
 * `exec` a Pike VM, both linear in input length × program size (RE2's approach), and a filter's
 * tests share one step budget across all names (RegexBudget). Constructs that need backtracking
 * (backreferences, lookaround, word boundaries) are rejected with a clear error.
 */
import { NAME_HASH_PRIME, NAME_HASH_START } from '../../base/duplicates';
import { LensError } from '../../base/errors';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LITERAL_CHARS,
  MAX_FILTER_REGEX_STEPS,
  MAX_REGEX_CAPTURE_STEPS,
  MAX_REGEX_DFA_CELLS,
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

/**
 * Instructions `node` compiles to, from the tree alone: nested counted repeats such as
 * `((a{1000}){1000}){1000}` multiply, so the size is known (and refused) before anything is built.
 */
function programSize(node: RegexNode): number {
  switch (node.type) {
    case 'empty':
      return 0;
    case 'set':
    case 'start':
    case 'end':
      return 1;
    case 'concat':
      return node.items.reduce((sum, item) => sum + programSize(item), 0);
    case 'alt':
      // One split and one jump per option but the last.
      return node.options.reduce((sum, option) => sum + programSize(option), 0) + 2 * (node.options.length - 1);
    case 'group':
      return programSize(node.body) + (node.capture !== null ? 2 : 0);
    case 'repeat': {
      const body = programSize(node.body);
      const optional = node.max === Infinity ? body + 2 : (node.max - node.min) * (body + 1);
      return node.min * body + optional;
    }
  }
}

/** The whole-match saves and the final match around the pattern's own instructions. */
const PROGRAM_FRAME = 3;

class Compiler {
  readonly program: Instruction[] = [];

  private emit(instruction: Instruction): number {
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
    const others = caseClasses().get(code);
    if (others) inside = others.some((other) => rangesContain(set.ranges, other));
  }
  return inside !== set.negated;
}

/** JavaScript's Canonicalize for the i flag without u: the one-unit upper case, never ASCII from non-ASCII. */
function canonicalize(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const canonical = upper.charCodeAt(0);
  return code >= 128 && canonical < 128 ? code : canonical;
}

/** Code units that the i flag matches with others: each one's class (every unit with its canonical form). */
let caseClassTable: Map<number, readonly number[]> | null = null;

function caseClasses(): Map<number, readonly number[]> {
  if (caseClassTable === null) {
    const byCanonical = new Map<number, number[]>();
    for (let code = 0; code < 0x10000; code += 1) {
      const canonical = canonicalize(code);
      const members = byCanonical.get(canonical);
      if (members) members.push(code);
      else byCanonical.set(canonical, [code]);
    }
    caseClassTable = new Map();
    for (const members of byCanonical.values()) {
      if (members.length > 1) for (const code of members) caseClassTable.set(code, members);
    }
  }
  return caseClassTable;
}

function rangesContain(ranges: Ranges, code: number): boolean {
  for (const [low, high] of ranges) if (code >= low && code <= high) return true;
  return false;
}

// ---- alphabet classes: code units no set tells apart share one DFA column ----

/** Code units below this have their class in a table; above, a binary search over the pieces. */
const TABLE_UNITS = 256;

interface Alphabet {
  /** Class of each code unit below TABLE_UNITS (names are mostly ASCII). */
  table: Uint16Array;
  /** First code unit of each piece, ascending, and the piece's class (kept small per regex). */
  starts: Int32Array;
  classes: Uint16Array;
  count: number;
  /** member[set * count + class]: 1 when the set contains the class. */
  member: Uint8Array;
}

/**
 * Cuts the code units at every range edge (and around every cased unit under the i flag), so
 * each piece is uniform for every set; pieces with the same membership share a class.
 */
function buildAlphabet(sets: readonly CharSet[], ignoreCase: boolean): Alphabet {
  const cuts = new Set<number>([0, 0x10000]);
  for (const set of sets) {
    for (const [low, high] of set.ranges) {
      cuts.add(low);
      cuts.add(high + 1);
    }
  }
  if (ignoreCase) {
    // A unit can differ from its neighbours only if another unit of its case class is in a set.
    const inSomeSet = (code: number): boolean => sets.some((set) => rangesContain(set.ranges, code));
    for (const [code, members] of caseClasses()) {
      if (members.some((other) => other !== code && inSomeSet(other))) {
        cuts.add(code);
        cuts.add(code + 1);
      }
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const table = new Uint16Array(TABLE_UNITS);
  const starts = Int32Array.from(points.slice(0, -1));
  const classes = new Uint16Array(starts.length);
  const ids = new Map<string, number>();
  for (let i = 0; i + 1 < points.length; i += 1) {
    const start = points[i]!;
    let signature = '';
    for (const set of sets) signature += setContains(set, start, ignoreCase) ? '1' : '0';
    let id = ids.get(signature);
    if (id === undefined) {
      id = ids.size;
      ids.set(signature, id);
    }
    classes[i] = id;
    if (start < TABLE_UNITS) table.fill(id, start, Math.min(TABLE_UNITS, points[i + 1]!));
  }
  const count = ids.size;
  const member = new Uint8Array(sets.length * count);
  for (const [signature, id] of ids) {
    for (let set = 0; set < sets.length; set += 1) member[set * count + id] = signature.charCodeAt(set) === 49 ? 1 : 0;
  }
  return { table, starts, classes, count, member };
}

/** The class of a code unit at or above TABLE_UNITS: the last piece starting at or before it. */
function wideClass(alphabet: Alphabet, code: number): number {
  const { starts } = alphabet;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (starts[middle]! <= code) low = middle;
    else high = middle - 1;
  }
  return alphabet.classes[low]!;
}

// ---- the lazy DFA used by test() ----

const OP_CHAR = 0;
const OP_SPLIT = 1;
const OP_JUMP = 2;
const OP_SAVE = 3;
const OP_START = 4;
const OP_END = 5;
const OP_MATCH = 6;

const MATCHED = 1;
const MATCHES_AT_END = 2;

/**
 * Steps one filter evaluation may spend in its regular expressions, across every name it tests:
 * one per character read, plus the NFA instructions visited whenever a new DFA state is built.
 * Built per evaluation (compileFilter), so one hostile pattern over many long names stops with a
 * sentence instead of freezing the page.
 */
export class RegexBudget {
  remaining: number;
  /** Inputs (names) tested so far. */
  inputs = 0;
  constructor(readonly limit: number = MAX_FILTER_REGEX_STEPS) {
    this.remaining = limit;
  }

  get spent(): number {
    return this.limit - this.remaining;
  }
}

/**
 * A DFA built lazily over a flat copy of the program (RE2's approach): a state is the sorted set
 * of NFA instructions alive after a character, its transitions a row of class columns. The cache
 * holds at most MAX_REGEX_DFA_STATES states and MAX_REGEX_DFA_CELLS transitions (and kernel entries); when full it is
 * cleared and rebuilt from the current state, so memory is bounded and every character still
 * costs at most one closure over the program — no allocation per character or per miss.
 */
class LazyDfa {
  private readonly size: number;
  private readonly ops: Uint8Array;
  /** split: first branch; jump: target; others: pc + 1. */
  private readonly next1: Int32Array;
  /** split: second branch. */
  private readonly next2: Int32Array;
  /** char: index of its set in the alphabet. */
  private readonly setOf: Int32Array;
  private readonly alphabet: Alphabet;
  private readonly stateCap: number;

  // The cache: transitions, each state's kernel (a slice of the pool), flags, and a hash table.
  private transitions: Int32Array;
  private stateStart: Int32Array;
  private stateLength: Int32Array;
  private stateFlags: Uint8Array;
  private pool: Int32Array;
  private poolUsed = 0;
  private count = 0;
  private readonly table: Int32Array;
  private initial = -1;
  /** Times the cache was cleared: a transition is memoised only into a state that survived. */
  private clears = 0;

  // Scratch, reused by every closure.
  private readonly stack: Int32Array;
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly kernel: Int32Array;
  private kernelLength = 0;
  /** Steps spent by the last closure (charged to the budget). */
  private work = 0;

  constructor(program: readonly Instruction[], ignoreCase: boolean) {
    const size = program.length;
    this.size = size;
    this.ops = new Uint8Array(size);
    this.next1 = new Int32Array(size);
    this.next2 = new Int32Array(size);
    this.setOf = new Int32Array(size).fill(-1);
    const sets: CharSet[] = [];
    const setIds = new Map<CharSet, number>();
    program.forEach((instruction, pc) => {
      this.next1[pc] = pc + 1;
      switch (instruction.op) {
        case 'char': {
          let id = setIds.get(instruction.set);
          if (id === undefined) {
            id = sets.length;
            sets.push(instruction.set);
            setIds.set(instruction.set, id);
          }
          this.ops[pc] = OP_CHAR;
          this.setOf[pc] = id;
          break;
        }
        case 'split':
          this.ops[pc] = OP_SPLIT;
          this.next1[pc] = instruction.first;
          this.next2[pc] = instruction.second;
          break;
        case 'jump':
          this.ops[pc] = OP_JUMP;
          this.next1[pc] = instruction.to;
          break;
        case 'save':
          this.ops[pc] = OP_SAVE;
          break;
        case 'assert-start':
          this.ops[pc] = OP_START;
          break;
        case 'assert-end':
          this.ops[pc] = OP_END;
          break;
        case 'match':
          this.ops[pc] = OP_MATCH;
          break;
      }
    });
    this.alphabet = buildAlphabet(sets, ignoreCase);
    this.stateCap = Math.max(16, Math.min(MAX_REGEX_DFA_STATES, Math.floor(MAX_REGEX_DFA_CELLS / this.alphabet.count)));
    // Start small and double up to the caps: most patterns need a handful of states.
    const initialStates = Math.min(this.stateCap, 64);
    this.transitions = new Int32Array(initialStates * this.alphabet.count).fill(-1);
    this.stateStart = new Int32Array(initialStates);
    this.stateLength = new Int32Array(initialStates);
    this.stateFlags = new Uint8Array(initialStates);
    this.pool = new Int32Array(Math.max(1024, size * 4));
    let tableSize = 1;
    while (tableSize < this.stateCap * 2) tableSize *= 2;
    this.table = new Int32Array(tableSize);
    this.stack = new Int32Array(3 * size + 2);
    this.seen = new Int32Array(size);
    this.kernel = new Int32Array(size);
  }

  /** Follows the zero-width instructions from the pcs on the stack; collects the kernel. */
  private closure(top: number, atStart: boolean): void {
    const { ops, next1, next2, stack, seen, kernel } = this;
    const stamp = ++this.stamp;
    let length = 0;
    let visits = 0;
    while (top > 0) {
      const pc = stack[--top]!;
      if (seen[pc] === stamp) continue;
      seen[pc] = stamp;
      visits += 1;
      switch (ops[pc]) {
        case OP_SPLIT:
          stack[top++] = next2[pc]!;
          stack[top++] = next1[pc]!;
          break;
        case OP_JUMP:
        case OP_SAVE:
          stack[top++] = next1[pc]!;
          break;
        case OP_START:
          if (atStart) stack[top++] = next1[pc]!;
          break;
        default:
          // char, match, and `$` (decided per state: see matchesAtEnd)
          kernel[length++] = pc;
      }
    }
    this.kernelLength = length;
    this.work += visits + length;
    // Sorted, so equal sets have one key. DFS order is nearly sorted: insertion sort, in place.
    for (let i = 1; i < length; i += 1) {
      const pc = kernel[i]!;
      let j = i - 1;
      while (j >= 0 && kernel[j]! > pc) {
        kernel[j + 1] = kernel[j]!;
        j -= 1;
      }
      kernel[j + 1] = pc;
    }
  }

  /** At the end of the input, can the zero-width steps from the pcs on the stack reach `match`? */
  private reachesMatchAtEnd(top: number, atStart: boolean): boolean {
    const { ops, next1, next2, stack, seen } = this;
    const stamp = ++this.stamp;
    while (top > 0) {
      const pc = stack[--top]!;
      if (seen[pc] === stamp) continue;
      seen[pc] = stamp;
      this.work += 1;
      switch (ops[pc]) {
        case OP_MATCH:
          return true;
        case OP_SPLIT:
          stack[top++] = next2[pc]!;
          stack[top++] = next1[pc]!;
          break;
        case OP_JUMP:
        case OP_SAVE:
        case OP_END:
          stack[top++] = next1[pc]!;
          break;
        case OP_START:
          if (atStart) stack[top++] = next1[pc]!;
          break;
      }
    }
    return false;
  }

  private clear(): void {
    this.transitions.fill(-1, 0, this.count * this.alphabet.count);
    this.table.fill(0);
    this.count = 0;
    this.poolUsed = 0;
    this.initial = -1;
    this.clears += 1;
  }

  private grow(): void {
    const states = Math.min(this.stateCap, this.stateStart.length * 2);
    const transitions = new Int32Array(states * this.alphabet.count).fill(-1);
    transitions.set(this.transitions);
    this.transitions = transitions;
    const start = new Int32Array(states);
    start.set(this.stateStart);
    this.stateStart = start;
    const length = new Int32Array(states);
    length.set(this.stateLength);
    this.stateLength = length;
    const flags = new Uint8Array(states);
    flags.set(this.stateFlags);
    this.stateFlags = flags;
  }

  /** The state whose kernel is in `kernel` (found, or added — clearing a full cache first). */
  private stateOfKernel(): number {
    const { kernel, kernelLength: length, pool, table } = this;
    let hash = NAME_HASH_START ^ length;
    for (let i = 0; i < length; i += 1) hash = Math.imul(hash ^ kernel[i]!, NAME_HASH_PRIME);
    const mask = table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.stateLength[id] !== length) continue;
      const at = this.stateStart[id]!;
      let same = true;
      for (let i = 0; i < length && same; i += 1) same = pool[at + i] === kernel[i];
      if (same) return id;
    }
    if (this.count >= this.stateCap || this.poolUsed + length > MAX_REGEX_DFA_CELLS) this.clear();
    else if (this.count >= this.stateStart.length) this.grow();
    if (this.poolUsed + length > this.pool.length) {
      const pool = new Int32Array(
        Math.min(MAX_REGEX_DFA_CELLS, Math.max(this.pool.length * 2, this.poolUsed + length)),
      );
      pool.set(this.pool.subarray(0, this.poolUsed));
      this.pool = pool;
    }
    const id = this.count++;
    this.pool.set(kernel.subarray(0, length), this.poolUsed);
    this.stateStart[id] = this.poolUsed;
    this.stateLength[id] = length;
    this.poolUsed += length;
    let flags = 0;
    let ends = 0;
    for (let i = 0; i < length; i += 1) {
      const op = this.ops[kernel[i]!];
      if (op === OP_MATCH) flags |= MATCHED | MATCHES_AT_END;
      else if (op === OP_END) this.stack[ends++] = kernel[i]!;
    }
    if (flags === 0 && ends > 0 && this.reachesMatchAtEnd(ends, false)) flags |= MATCHES_AT_END;
    this.stateFlags[id] = flags;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      if (table[slot] === 0) {
        table[slot] = id + 1;
        break;
      }
    }
    return id;
  }

  private initialState(): number {
    if (this.initial < 0) {
      this.stack[0] = 0;
      this.closure(1, true);
      this.initial = this.stateOfKernel();
    }
    return this.initial;
  }

  /** The state after reading a character of class `cls` in state `from`, built if not cached. */
  private step(from: number, cls: number): number {
    const { alphabet, setOf, stack, pool } = this;
    let top = 0;
    // Unanchored search: a new attempt may start at every position (pushed first, explored last).
    stack[top++] = 0;
    const at = this.stateStart[from]!;
    const length = this.stateLength[from]!;
    for (let i = length - 1; i >= 0; i -= 1) {
      const pc = pool[at + i]!;
      if (this.ops[pc] === OP_CHAR && alphabet.member[setOf[pc]! * alphabet.count + cls] === 1) stack[top++] = pc + 1;
    }
    this.closure(top, false);
    this.work += length;
    const clears = this.clears;
    const next = this.stateOfKernel();
    // A cleared cache no longer holds `from`: memoise only into a state that still exists.
    if (clears === this.clears) this.transitions[from * alphabet.count + cls] = next;
    return next;
  }

  test(input: string, budget: RegexBudget | undefined, source: string): boolean {
    // Without a budget a call is still linear (each character costs at most one closure).
    let remaining = budget ? budget.remaining : Number.MAX_SAFE_INTEGER;
    if (budget) budget.inputs += 1;
    this.work = 0;
    let found: boolean;
    if (input.length === 0) {
      this.stack[0] = 0;
      found = this.reachesMatchAtEnd(1, true);
      remaining -= this.work;
    } else {
      let state = this.initialState();
      remaining -= this.work;
      const alphabet = this.alphabet;
      const { table, count } = alphabet;
      // Locals for the hot loop; refreshed after a miss (building a state may grow the arrays).
      let transitions = this.transitions;
      let flags = this.stateFlags;
      const length = input.length;
      let i = 0;
      for (; i < length && remaining >= 0; i += 1) {
        if (flags[state]! & MATCHED) break;
        remaining -= 1;
        const code = input.charCodeAt(i);
        const cls = code < TABLE_UNITS ? table[code]! : wideClass(alphabet, code);
        let next = transitions[state * count + cls]!;
        if (next < 0) {
          this.work = 0;
          next = this.step(state, cls);
          remaining -= this.work;
          transitions = this.transitions;
          flags = this.stateFlags;
        }
        state = next;
      }
      found = (flags[state]! & (i === length ? MATCHES_AT_END : MATCHED)) !== 0;
    }
    if (budget) budget.remaining = remaining;
    if (remaining < 0) {
      throw new LensError('filter-too-costly', {
        hint: source,
        limit: budget?.limit ?? 0,
        actual: budget?.inputs ?? 0,
      });
    }
    return found;
  }
}

export interface SafeRegex {
  readonly source: string;
  readonly flags: string;
  /** Number of capturing groups. */
  readonly groupCount: number;
  /**
   * True if the pattern matches anywhere in the input (like RegExp#test). With a budget, the
   * steps are charged to it and LensError('filter-too-costly') is thrown once it is spent.
   */
  test(input: string, budget?: RegexBudget): boolean;
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
  const size = programSize(node) + PROGRAM_FRAME;
  if (size > MAX_REGEX_STATES) {
    throw new LensError('filter-literal-too-large', {
      column,
      limit: MAX_REGEX_STATES,
      hint: `the regular expression (${size > 1e9 ? 'over a billion' : size} states after expanding its {m,n} repeats)`,
    });
  }
  const compiler = new Compiler();
  compiler.compileProgram(node);
  return new Engine(source, flags, compiler.program, captures, ignoreCase);
}

class Engine implements SafeRegex {
  private dfa: LazyDfa | null = null;

  constructor(
    readonly source: string,
    readonly flags: string,
    private readonly program: Instruction[],
    readonly groupCount: number,
    private readonly ignoreCase: boolean,
  ) {}

  test(input: string, budget?: RegexBudget): boolean {
    this.dfa ??= new LazyDfa(this.program, this.ignoreCase);
    return this.dfa.test(input, budget, this.source);
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
