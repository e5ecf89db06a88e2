/** What a label needs of an open file: its name and where the browser said it came from. */
export interface Labelled {
  id: string;
  name: string;
  /** The path inside a picked or dropped folder (`rank_0/fp16.ckpt`), else the name. */
  path: string;
}

export interface FileLabel {
  /** For the tab and heading: the name, with as many of its folders as tell it apart. */
  short: string;
  /** For title and aria-label: the whole relative path. */
  full: string;
}

const segmentsOf = (file: Labelled): string[] => file.path.split('/').filter((segment) => segment !== '');

/**
 * Labels for the open files. A name no other open file has is shown alone; files of the same
 * name get the fewest trailing folders of their path that no other one shares
 * (`rank_0/fp16.ckpt`, `rank_1/fp16.ckpt`). Only where that cannot tell them apart — no folder
 * given (two separate single-file picks), or the same path twice — are they numbered from the
 * second on (`fp16.ckpt (2)`), in opening order.
 */
export function fileLabels(files: readonly Labelled[]): Map<string, FileLabel> {
  const byName = new Map<string, Labelled[]>();
  for (const file of files) byName.set(file.name, [...(byName.get(file.name) ?? []), file]);
  const labels = new Map<string, FileLabel>();
  const seen = new Map<string, number>();
  for (const file of files) {
    const mine = segmentsOf(file);
    const others = (byName.get(file.name) ?? []).filter((other) => other.path !== file.path).map(segmentsOf);
    const tail = (segments: readonly string[], count: number): string => segments.slice(-count).join('/');
    let count = 1;
    while (count < mine.length && others.some((other) => tail(other, count) === tail(mine, count))) count += 1;
    const short = others.length > 0 ? tail(mine, count) || file.name : file.name;
    const nth = (seen.get(short) ?? 0) + 1;
    seen.set(short, nth);
    const suffix = nth > 1 ? ` (${nth})` : '';
    labels.set(file.id, { short: `${short}${suffix}`, full: `${file.path}${suffix}` });
  }
  return labels;
}
