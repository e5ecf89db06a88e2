// CPU time and memory of the Chromium processes of one run, found by their profile directory.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of every Chromium process of this run (found by its profile directory). */
export function chromiumRssMiB(profile: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) / 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** CPU time (user + system) of every Chromium process of this run, in ms. */
export function chromiumCpuMs(profile: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * 10;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
