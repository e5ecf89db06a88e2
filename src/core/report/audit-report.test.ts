import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../base/bytes';
import { encodeRecord } from '../../formats/ckpt/write';
import { verifyIntegrity } from '../../integrity/verify';
import { MemorySource } from '../../io/byte-source';
import { fixtureSource } from '../../test/fixtures';
import { compareCheckpoints } from '../compare/compare';
import { openCheckpoint } from '../open';
import { bytesOf, openRecords } from '../../test/ckpt-records';
import { computeAllStats, nonFiniteAuditFrom } from '../stats/tensor-stats';
import { buildAuditReport } from './audit-report';

describe('audit report', () => {
  it('real LeNet: JSON holds summary, integrity, stats, NaN audit, compare and the load preview; Markdown shows them', async () => {
    const a = await openCheckpoint(await fixtureSource('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'));
    const b = await openCheckpoint(await fixtureSource('real', 'AI-lab2__checkpoint_lenet-1_1875.ckpt'));
    const stats = await computeAllStats(a.plaintext, a.index);
    const compare = await compareCheckpoints(a, b);
    const report = buildAuditReport({
      fileName: 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt',
      index: a.index,
      stats,
      nonFinite: nonFiniteAuditFrom(stats),
      compare: { fileA: 'XMU', fileB: 'AI-lab2', result: compare },
      loadPreview: { loadable: 19, notLoaded: [] },
      generatedAt: '2026-01-01T00:00:00Z',
    });
    const json = JSON.parse(JSON.stringify(report.json)) as typeof report.json;
    expect(json.summary.parameterCount).toBe(19);
    expect(json.file).toMatchObject({ format: 'ckpt', size: 494187 });
    expect(json.nonFinite?.clean).toBe(true);
    expect(json.stats?.tensors.length).toBe(19);
    expect(json.compare?.result.summary.paired).toBe(19);
    expect(json.loadPreview).toEqual({ loadable: 19, notLoaded: [] });
    const md = report.markdown;
    for (const heading of [
      '## Summary',
      '## Integrity',
      '## NaN / Inf audit',
      '## Statistics',
      '## Compare: XMU → AI-lab2',
      '## Load preview',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('| conv1.weight | Float32 | [6, 1, 5, 5] |');
    expect(md).toContain('No NaN or ±Inf in 19 scanned tensors');
    // The integrity section states what was established: structure fine, no CRC to check against.
    expect(md).toContain(
      '- No structural problems found.\n- No CRC stored in the file: the contents could not be checked',
    );
  });

  it('a CRC mismatch heads the integrity section as a finding', async () => {
    // A record, then a crc_num trailer that does not match it (ckpt-format.md §5.1).
    const record = encodeRecord('w', [2], 'Float32', bytesOf(new Float32Array([1, 2])));
    const trailer = concatBytes([new TextEncoder().encode('crc_num'), new Uint8Array(9), new Uint8Array([1])]);
    const opened = await openCheckpoint(new MemorySource(concatBytes([record, trailer])));
    await verifyIntegrity(opened);
    expect(opened.index.crc.ok).toBe(false);
    const md = buildAuditReport({ fileName: 'x.ckpt', index: opened.index }).markdown;
    expect(md).toContain('## Integrity\n\n- Finding: the CRC does not match the contents');
    expect(md).not.toContain('No structural problems found');
  });

  it('findings and hostile names do not break the Markdown tables', async () => {
    const { index, plaintext } = await openRecords([
      ['evil|name\nnext', [2], 'Float32', bytesOf(new Float32Array([Number.NaN, 1]))],
    ]);
    const stats = await computeAllStats(plaintext, index);
    const report = buildAuditReport({ fileName: 'x.ckpt', index, nonFinite: nonFiniteAuditFrom(stats) });
    expect(report.markdown).toContain('**1 tensor holds NaN or ±Inf**');
    expect(report.markdown).toContain('| evil\\|name next | Float32 | [2] | 1 | 0 | 0 | 0 |');
    expect(report.json.stats).toBeNull();
  });
});
