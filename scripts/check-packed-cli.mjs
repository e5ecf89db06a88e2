// The installed command, as a user gets it: `npm pack`, `npm install -g <tarball>` into a
// temporary prefix, then `ckpt-lens` run from another folder with relative paths on the shared
// fixtures. Every run must give its exit code and its output; any difference fails (exit 1).
// Expected values come from elsewhere: the plaintext twin of the encrypted fixture, node's own
// SHA-256, the distributed fixture's expected merge. Used by .ci/run (`npm run check:package`).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const FIXTURES = path.resolve('../shared/fixtures');
const SM4_KEY = '0123456789abcdeffedcba9876543210'; // crypto/README.md: keys.sm4
const root = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-pack-'));
const prefix = path.join(root, 'prefix');
const work = path.join(root, 'work');
let failures = 0;

function npm(args, cwd) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const tarball = npm(['pack', '--silent', '--pack-destination', root], process.cwd()).trim().split('\n').pop();
const tarballPath = path.join(root, tarball);
process.stdout.write(`check-packed-cli: ${tarball} (${Math.round(readFileSync(tarballPath).length / 1024)} KiB)\n`);
npm(['install', '--global', '--prefix', prefix, tarballPath], root);
const bin = path.join(prefix, 'bin', 'ckpt-lens');

mkdirSync(work);
symlinkSync(FIXTURES, path.join(work, 'fx'));

/** Runs the installed command in `work` and checks its exit code; returns stdout. */
function run(label, args, expectedStatus) {
  const result = spawnSync(bin, args, { cwd: work, encoding: 'utf8', timeout: 60_000 });
  const ok = result.status === expectedStatus;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}: ckpt-lens ${args.join(' ')} → exit ${result.status}\n`);
  if (!ok) {
    failures += 1;
    process.stdout.write(
      `     expected exit ${expectedStatus}\n     stdout: ${result.stdout}\n     stderr: ${result.stderr}\n`,
    );
  }
  return result.stdout;
}

function expectEqual(label, actual, expected) {
  if (isDeepStrictEqual(actual, expected)) return;
  failures += 1;
  process.stdout.write(
    `FAIL ${label}:\n     got      ${JSON.stringify(actual)}\n     expected ${JSON.stringify(expected)}\n`,
  );
}

const tensorsOf = (json) => JSON.parse(json).tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }));

run('help', ['--help'], 0);
run('no command', [], 2);
run('usage error', ['inspect'], 2);
run('missing file', ['inspect', 'no-such.ckpt'], 1);

const plain = tensorsOf(run('inspect plain', ['inspect', 'fx/crypto/tiny_plain.ckpt', '--json'], 0));
const sm4Args = ['fx/crypto/tiny_sm4_cbc.ckpt', '--key', SM4_KEY];
expectEqual(
  'SM4 file decrypts to its plaintext twin',
  tensorsOf(run('inspect SM4', ['inspect', ...sm4Args, '--json'], 0)),
  plain,
);

const verified = JSON.parse(run('verify SM4 + SHA-256', ['verify', ...sm4Args, '--sha256', '--json'], 0));
const digest = createHash('sha256')
  .update(readFileSync(path.join(FIXTURES, 'crypto/tiny_sm4_cbc.ckpt')))
  .digest('hex');
expectEqual('verify SM4', [verified.ok, verified.encryption?.blocksVerified, verified.sha256], [true, 1, digest]);
run('verify with a wrong key', ['verify', 'fx/crypto/tiny_sm4_cbc.ckpt', '--key', SM4_KEY.replace(/0$/, '1')], 1);

// convert (CRC path through the CRC WASM kernel), then a damaged copy must fail verify with exit 3.
run('convert SM4 → .ckpt with CRC', ['convert', ...sm4Args, 'out.ckpt', '--crc'], 0);
expectEqual('converted .ckpt', tensorsOf(run('inspect converted', ['inspect', 'out.ckpt', '--json'], 0)), plain);
run('verify CRC', ['verify', 'out.ckpt'], 0);
const damaged = readFileSync(path.join(work, 'out.ckpt'));
damaged[40] ^= 0x01;
writeFileSync(path.join(work, 'damaged.ckpt'), damaged);
const crc = JSON.parse(run('verify a damaged copy', ['verify', 'damaged.ckpt', '--json'], 3));
expectEqual('damaged copy', [crc.ok, crc.crcStatus], [false, 'mismatch']);
run('convert → .safetensors', ['convert', 'out.ckpt', 'out.safetensors', '--format', 'safetensors'], 0);
// safetensors files list tensors in their own order (dtype, then name): compare by name.
const byName = (tensors) => [...tensors].sort((a, b) => a.name.localeCompare(b.name));
expectEqual(
  'converted .safetensors',
  byName(tensorsOf(run('inspect', ['inspect', 'out.safetensors', '--json'], 0))),
  byName(plain),
);

// merge on two worker threads: the bundle's merge-member.mjs must be found beside the chunk that
// starts it (dist-cli/chunks/).
const caseDir = 'fx/distributed/case2_opt_shard';
run(
  'merge on 2 threads',
  [
    'merge',
    '--strategy',
    `${caseDir}/strategy.ckpt`,
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((r) => `${caseDir}/rank_${r}`),
    '--out',
    'merged.safetensors',
    '--max-process-num',
    '2',
  ],
  0,
);
expectEqual(
  'merged = expected_merged.safetensors',
  readFileSync(path.join(work, 'merged.safetensors')).equals(
    readFileSync(path.join(FIXTURES, 'distributed/case2_opt_shard/expected_merged.safetensors')),
  ),
  true,
);

rmSync(root, { recursive: true, force: true });
process.stdout.write(
  failures === 0 ? 'check-packed-cli: all checks passed\n' : `check-packed-cli: ${failures} checks failed\n`,
);
process.exit(failures === 0 ? 0 : 1);
