#!/usr/bin/env node
// `npm run bench`: runs every suite in bench/suites/ (or those named on the
// command line), prints the tables, and writes bench/results.md with the
// machine and date. A suite module exports
//   async function run() -> Array<{ title, columns: string[], rows: Array<Record<string, string|number>>, notes?: string[] }>
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = new URL('.', import.meta.url).pathname;
// This machine sets NODE_EXTRA_CA_CERTS for every process; Lambda does not. It
// costs each node start ~40 ms and ~2 MiB, which would blur cold-start and
// memory figures, so processes started by the benchmarks run without it.
delete process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_OPTIONS;
// The SDK's Node 22 notice (README: Requirements) would repeat in every load process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const only = process.argv.slice(2);
const runStarted = performance.now();
const suites = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
const header = [
  '# parasol benchmark results',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`,
  `- node: ${process.version}`,
  `- load average at the start: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} cores`,
  ...(process.env.BENCH_NOTE ? [`- ${process.env.BENCH_NOTE}`] : []),
  '- the machine is shared and noisy: compare ratios against the baseline measured in the same run, not absolute numbers across runs.',
  '- every process started by the benchmarks runs without NODE_EXTRA_CA_CERTS (set on this machine, not on Lambda; it costs each node start ~40 ms).',
  '',
];
const sections = [];
for (const file of suites) {
  process.stderr.write(`bench: ${file}\n`);
  const mod = await import(pathToFileURL(join(here, 'suites', file)).href);
  try {
    for (const table of await mod.run()) {
      const md = renderTable(table);
      process.stdout.write(`${md}\n`);
      sections.push(md);
    }
  } catch (e) {
    const msg = `## ${file}\n\nFAILED: ${e instanceof Error ? e.message : String(e)}\n`;
    process.stdout.write(msg);
    sections.push(msg);
    process.exitCode = 1;
  }
}
const loadAtEnd = `- load average at the end: ${os
  .loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ')}; the whole run took ${((performance.now() - runStarted) / 60_000).toFixed(1)} min`;
// The profile write-up (bench/where-time-goes.md, from `node bench/profile.mjs`) closes the file.
const profileNotes = join(here, 'where-time-goes.md');
const closing = existsSync(profileNotes) ? `\n${readFileSync(profileNotes, 'utf8')}` : '';
if (only.length === 0) writeFileSync(join(here, 'results.md'), `${header.join('\n')}\n${sections.join('\n')}\n${loadAtEnd}\n${closing}`);
else process.stderr.write('bench: subset run, results.md not rewritten\n');

function renderTable({ title, columns, rows, notes = [] }) {
  const lines = [`## ${title}`, '', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |`);
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
