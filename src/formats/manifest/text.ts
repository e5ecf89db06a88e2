import { LensError } from '../../base/errors';
import { MAX_DIMS, MAX_MANIFEST_ENTRIES, MAX_TENSOR_NAME_BYTES } from '../../base/limits';
import { normalizeDtypeName } from './dtype-names';
import { contradicts, describeContradiction } from './repeats';
import type { NetworkManifest, NetworkParam } from './types';
import { plural } from '../../base/plural';

/**
 * Text dumps of a network's parameters as found in real repositories:
 *   features.0.0.weight (24, 3, 3, 3)                       (print(name, shape))
 *   cond_stage_model...embedding#(77, 768)#Float16          (name#shape#dtype)
 *   ...position_embedding.weight#torch.Size([77, 768])#torch.float32
 *   efficientnetv2-s/blocks_0/conv2d/kernel                 (bare names)
 * Every non-blank line must have one of these forms; lines starting with `#` or `//` are comments.
 */
type LineForm = 'name (shape)' | 'name#(shape)#dtype' | 'name';

const SHAPE_FORMS = [/^\((.*)\)$/, /^\[(.*)\]$/, /^torch\.Size\(\[(.*)\]\)$/];

function parseShapeText(text: string): number[] | null {
  for (const form of SHAPE_FORMS) {
    const match = form.exec(text.trim());
    if (!match) continue;
    const inner = match[1]!.trim();
    if (inner === '') return [];
    const parts = inner.split(',').map((part) => part.trim());
    if (parts[parts.length - 1] === '') parts.pop(); // "(24,)"
    if (parts.length > MAX_DIMS) return null;
    const dims = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
    return dims.every((dim) => Number.isSafeInteger(dim)) ? dims : null;
  }
  return null;
}

interface ParsedLine {
  param: NetworkParam;
  form: LineForm;
}

function parseLine(line: string): ParsedLine | string {
  if (line.includes('#')) {
    const parts = line.split('#');
    if (parts.length < 2 || parts.length > 3) return 'expected name#(shape)#dtype';
    const [name, shapeText, dtypeText] = parts.map((part) => part.trim());
    if (!name || /\s/.test(name)) return 'the name is empty or contains spaces';
    const shape = parseShapeText(shapeText ?? '');
    if (shape === null) return 'the shape is not (d1, d2, …), [d1, …] or torch.Size([…])';
    const param: NetworkParam = { name, shape, dtype: null };
    if (dtypeText) {
      param.dtype = normalizeDtypeName(dtypeText);
      if (param.dtype === null) return `unknown dtype "${dtypeText}"`;
      if (param.dtype !== dtypeText) param.rawDtype = dtypeText;
    }
    return { param, form: 'name#(shape)#dtype' };
  }
  const match = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return 'expected a name';
  const name = match[1]!;
  const rest = match[2]?.trim();
  if (!rest) return { param: { name, shape: null, dtype: null }, form: 'name' };
  // "name (24, 3, 3, 3)" with an optional dtype after the shape.
  const shapeMatch = /^(\(.*\)|\[.*\]|torch\.Size\(\[.*\]\))(?:\s+(\S+))?$/.exec(rest);
  if (!shapeMatch) return 'expected "name (d1, d2, …)" or a bare name';
  const shape = parseShapeText(shapeMatch[1]!);
  if (shape === null) return 'the shape is not a list of whole numbers';
  const param: NetworkParam = { name, shape, dtype: null };
  if (shapeMatch[2]) {
    param.dtype = normalizeDtypeName(shapeMatch[2]);
    if (param.dtype === null) return `unknown dtype "${shapeMatch[2]}"`;
    if (param.dtype !== shapeMatch[2]) param.rawDtype = shapeMatch[2];
  }
  return { param, form: 'name (shape)' };
}

export function parseTextManifest(text: string, file?: string): NetworkManifest {
  const params: NetworkParam[] = [];
  const forms = new Set<LineForm>();
  const seen = new Map<string, { param: NetworkParam; line: number }>();
  const notes: string[] = [];
  let duplicates = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      throw new LensError('manifest-bad-line', {
        line: i + 1,
        hint: parsed,
        actual: line.length > 120 ? `${line.slice(0, 117)}...` : line,
        ...(file ? { file } : {}),
      });
    }
    if (parsed.param.name.length > MAX_TENSOR_NAME_BYTES) {
      throw new LensError('manifest-bad-line', {
        line: i + 1,
        hint: 'the name is too long',
        ...(file ? { file } : {}),
      });
    }
    if (params.length >= MAX_MANIFEST_ENTRIES) {
      throw new LensError('manifest-too-large', { actual: `${params.length}+ entries`, limit: MAX_MANIFEST_ENTRIES });
    }
    forms.add(parsed.form);
    const earlier = seen.get(parsed.param.name);
    if (earlier) {
      if (contradicts(earlier.param, parsed.param))
        throw new LensError('manifest-bad-line', {
          line: i + 1,
          hint: describeContradiction(earlier.param, parsed.param, ` (line ${earlier.line})`),
          ...(file ? { file } : {}),
        });
      duplicates += 1;
      continue;
    }
    seen.set(parsed.param.name, { param: parsed.param, line: i + 1 });
    params.push(parsed.param);
  }
  if (params.length === 0) throw new LensError('manifest-empty', file ? { file } : {});
  if (duplicates > 0)
    notes.push(
      `${plural(duplicates, 'repeated name')} ${duplicates === 1 ? 'was' : 'were'} listed once (a network has unique names).`,
    );
  if (forms.has('name') && forms.size === 1) notes.push('Bare names only: shapes and dtypes cannot be checked.');
  return { kind: 'text', layout: forms.size === 1 ? [...forms][0]! : [...forms].join(' | '), params, notes };
}
