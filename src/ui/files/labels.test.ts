import { describe, expect, it } from 'vitest';
import { fileLabels, type Labelled } from './labels';

const files = (...paths: string[]): Labelled[] =>
  paths.map((path, i) => ({ id: `f${i}`, name: path.split('/').pop() ?? path, path }));
const shortLabels = (list: Labelled[]): string[] => list.map((file) => fileLabels(list).get(file.id)?.short ?? '');
const fullLabels = (list: Labelled[]): string[] => list.map((file) => fileLabels(list).get(file.id)?.full ?? '');

describe('labels of open files', () => {
  it('a name no other file has is shown alone, its path kept for the title', () => {
    const list = files('run/rank_0/fp16.ckpt', 'other.ckpt');
    expect(shortLabels(list)).toEqual(['fp16.ckpt', 'other.ckpt']);
    expect(fullLabels(list)).toEqual(['run/rank_0/fp16.ckpt', 'other.ckpt']);
  });

  it('same names in different folders: only as many folders as tell them apart', () => {
    expect(shortLabels(files('run/rank_0/fp16.ckpt', 'run/rank_1/fp16.ckpt'))).toEqual([
      'rank_0/fp16.ckpt',
      'rank_1/fp16.ckpt',
    ]);
    expect(shortLabels(files('a/ckpt/fp16.ckpt', 'b/ckpt/fp16.ckpt', 'b/other/fp16.ckpt'))).toEqual([
      'a/ckpt/fp16.ckpt',
      'b/ckpt/fp16.ckpt',
      'other/fp16.ckpt',
    ]);
  });

  it('without a folder to show, numbered from the second on, in opening order', () => {
    const list = files('fp16.ckpt', 'fp16.ckpt', 'rank_1/fp16.ckpt');
    expect(shortLabels(list)).toEqual(['fp16.ckpt', 'fp16.ckpt (2)', 'rank_1/fp16.ckpt']);
    expect(fullLabels(list)).toEqual(['fp16.ckpt', 'fp16.ckpt (2)', 'rank_1/fp16.ckpt']);
  });

  it('the same path opened twice is numbered too', () => {
    expect(shortLabels(files('run/rank_0/fp16.ckpt', 'run/rank_0/fp16.ckpt', 'run/rank_1/fp16.ckpt'))).toEqual([
      'rank_0/fp16.ckpt',
      'rank_0/fp16.ckpt (2)',
      'rank_1/fp16.ckpt',
    ]);
  });
});
