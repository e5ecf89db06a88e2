/**
 * PyTorch views read by gathering: a view that needs more than MAX_VIEW_RANGES contiguous runs
 * (a transposed large matrix, an `expand`ed or permuted tensor) is indexed with ONE range, the
 * storage span it touches (formats/pytorch/scan.ts), and `view.gathered`. Its values in C order
 * are a strided copy out of that span, made here window by window: the span is read once into
 * memory (bounded by MAX_VIEW_SPAN_BYTES when the file is indexed), each requested window of the
 * output is copied out of it, so a pass over the tensor holds the span and a window or two, not
 * the tensor twice.
 *
 * Readers never see the span: `viewContent` gives any tensor's content as a source and an entry
 * whose `ranges` are its values in C order — unchanged for every other tensor.
 */
import { LensError } from '../../base/errors';
import { MAX_READ_BYTES } from '../../base/limits';
import type { ByteRange, TensorEntry } from '../../base/types';
import { checkRange, type ByteSource } from '../../io/byte-source';

/** A view's element layout over its span, in elements: element (i…) lies at Σ i_d × strides[d]. */
export interface ViewLayout {
  shape: readonly number[];
  strides: readonly number[];
  itemsize: number;
}

/**
 * The same layout with fewer dims: size-1 dims dropped, and a dim merged into the one after it
 * when it steps exactly over it (`strides[d] = strides[d+1] × shape[d+1]`). A 0-d or one-element
 * view is one dim of one element.
 */
export function simplifyLayout(layout: ViewLayout): ViewLayout {
  const shape: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < layout.shape.length; d += 1) {
    const size = layout.shape[d] as number;
    const stride = layout.strides[d] as number;
    if (size === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && (strides[last] as number) === stride * size) {
      shape[last] = (shape[last] as number) * size;
      strides[last] = stride;
    } else {
      shape.push(size);
      strides.push(stride);
    }
  }
  if (shape.length === 0) return { shape: [1], strides: [1], itemsize: layout.itemsize };
  return { shape, strides, itemsize: layout.itemsize };
}

/** Word arrays over two buffers with the widest word (4, 2 or 1 bytes) that suits both and the element size. */
function wordViews(
  span: Uint8Array,
  out: Uint8Array,
  itemsize: number,
): { from: Uint8Array | Uint16Array | Uint32Array; to: Uint8Array | Uint16Array | Uint32Array; word: number } {
  const fits = (word: number): boolean =>
    itemsize % word === 0 && span.byteOffset % word === 0 && out.byteOffset % word === 0 && out.length % word === 0;
  if (fits(4))
    return {
      from: new Uint32Array(span.buffer, span.byteOffset, Math.floor(span.length / 4)),
      to: new Uint32Array(out.buffer, out.byteOffset, out.length / 4),
      word: 4,
    };
  if (fits(2))
    return {
      from: new Uint16Array(span.buffer, span.byteOffset, Math.floor(span.length / 2)),
      to: new Uint16Array(out.buffer, out.byteOffset, out.length / 2),
      word: 2,
    };
  return { from: span, to: out, word: 1 };
}

/**
 * Elements [first, first + count) of a view, in C order, copied out of `span` (the view's element
 * 0 at span[0]) into `out` (`count × itemsize` bytes). The caller has checked that the span holds
 * every element (the index did, when it gave the span).
 */
export function gatherElements(
  span: Uint8Array,
  layout: ViewLayout,
  first: number,
  count: number,
  out: Uint8Array,
): void {
  if (count <= 0) return;
  const { shape, strides, itemsize } = layout;
  const { from, to, word } = wordViews(span, out, itemsize);
  const perElement = itemsize / word;
  const last = shape.length - 1;
  const inner = shape[last] as number;
  const innerStep = (strides[last] as number) * perElement;
  // The multi-index of `first`, and the word offset of its row (every dim but the last).
  const index = new Array<number>(shape.length).fill(0);
  let rest = first;
  for (let d = last; d >= 0; d -= 1) {
    const size = shape[d] as number;
    index[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  let row = 0;
  for (let d = 0; d < last; d += 1) row += (index[d] as number) * (strides[d] as number) * perElement;
  let at = 0;
  let left = count;
  let column = index[last] as number;
  while (left > 0) {
    const take = Math.min(inner - column, left);
    let source = row + column * innerStep;
    if (innerStep === perElement) {
      to.set(from.subarray(source, source + take * perElement), at);
      at += take * perElement;
    } else if (perElement === 1) {
      for (let k = 0; k < take; k += 1) {
        to[at] = from[source] as number;
        at += 1;
        source += innerStep;
      }
    } else {
      for (let k = 0; k < take; k += 1) {
        for (let w = 0; w < perElement; w += 1) to[at + w] = from[source + w] as number;
        at += perElement;
        source += innerStep;
      }
    }
    left -= take;
    column = 0;
    // The next row: the odometer over every dim but the last.
    for (let d = last - 1; d >= 0; d -= 1) {
      const step = (strides[d] as number) * perElement;
      index[d] = (index[d] as number) + 1;
      row += step;
      if ((index[d] as number) < (shape[d] as number)) break;
      row -= (index[d] as number) * step;
      index[d] = 0;
    }
  }
}

/** The span a gathered view is read from, and its layout over it; null for any other tensor. */
export function gatheredLayout(entry: TensorEntry): { span: ByteRange; layout: ViewLayout } | null {
  const span = entry.ranges[0];
  if (!entry.view?.gathered || entry.ranges.length !== 1 || !span) return null;
  const elements = entry.shape.reduce((product, dim) => product * dim, 1);
  if (elements <= 0) return null;
  return {
    span,
    layout: simplifyLayout({ shape: entry.shape, strides: entry.view.strides, itemsize: entry.bytes / elements }),
  };
}

/**
 * A gathered view's values in C order as a source of their own (`size` = the tensor's bytes):
 * a read copies the elements it covers out of the span, which is read whole on first use (in
 * reads of at most MAX_READ_BYTES) and kept until a read reaches the last byte — a pass in order
 * then holds it once. Not sliceable: an export cannot compose it from slices of the file.
 */
export class GatheredViewSource implements ByteSource {
  readonly size: number;
  private span: Promise<Uint8Array> | null = null;

  constructor(
    private readonly inner: ByteSource,
    private readonly range: ByteRange,
    private readonly layout: ViewLayout,
    private readonly tensor: string,
    size: number,
  ) {
    this.size = size;
  }

  private load(signal?: AbortSignal): Promise<Uint8Array> {
    if (this.span) return this.span;
    const loading = (async () => {
      const { offset, length } = this.range;
      const out = new Uint8Array(length);
      for (let at = 0; at < length; at += MAX_READ_BYTES) {
        const want = Math.min(MAX_READ_BYTES, length - at);
        const bytes = await this.inner.read(offset + at, want, signal);
        if (bytes.length !== want) {
          throw new LensError('tensor-content-short', {
            tensor: this.tensor,
            offset: offset + at + bytes.length,
            expected: length,
            actual: at + bytes.length,
          });
        }
        out.set(bytes, at);
        this.inner.recycle?.(bytes);
      }
      return out;
    })();
    this.span = loading;
    // A failed load (cancelled, cut short) is not kept: the next read tries again.
    loading.catch(() => {
      if (this.span === loading) this.span = null;
    });
    return loading;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const available = checkRange(this.size, offset, length);
    signal?.throwIfAborted();
    if (available === 0) return new Uint8Array(0);
    const { itemsize } = this.layout;
    const first = Math.floor(offset / itemsize);
    const end = Math.ceil((offset + available) / itemsize);
    const loading = this.load(signal);
    const span = await loading;
    const out = new Uint8Array((end - first) * itemsize);
    gatherElements(span, this.layout, first, end - first, out);
    // The last byte was read: a pass is done with the span (a later read loads it again).
    if (offset + available === this.size && this.span === loading) this.span = null;
    const skip = offset - first * itemsize;
    return skip === 0 && out.length === available ? out : out.subarray(skip, skip + available);
  }
}

/**
 * A tensor's content as a source and an entry whose `ranges` are its values in C order in that
 * source: for a gathered view, a GatheredViewSource (a new one, holding nothing until read) and
 * the entry with one range [0, bytes) and no `gathered` mark; any other tensor as it is.
 */
export function viewContent(source: ByteSource, entry: TensorEntry): { source: ByteSource; entry: TensorEntry } {
  const gathered = gatheredLayout(entry);
  if (!gathered || !entry.view) return { source, entry };
  const { gathered: _gathered, ...view } = entry.view;
  return {
    source: new GatheredViewSource(source, gathered.span, gathered.layout, entry.name, entry.bytes),
    entry: { ...entry, ranges: [{ offset: 0, length: entry.bytes }], view },
  };
}

/**
 * viewContent for a reader of one tensor's values: a view whose values are not read (it reaches
 * past its storage, or is too large to gather) has no ranges for them, so it is a LensError
 * ('tensor-view-unreadable') saying why, not an empty read.
 */
export function readableContent(source: ByteSource, entry: TensorEntry): { source: ByteSource; entry: TensorEntry } {
  const unreadable = entry.problems?.find(
    (problem) => problem.code === 'view-outside-storage' || problem.code === 'view-too-fragmented',
  );
  if (unreadable) {
    throw new LensError('tensor-view-unreadable', {
      tensor: entry.name,
      expected: unreadable.code,
      ...(unreadable.detail ? { hint: unreadable.detail } : {}),
    });
  }
  return viewContent(source, entry);
}

export function isGatheredView(entry: TensorEntry): boolean {
  return entry.view?.gathered === true;
}
