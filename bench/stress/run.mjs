#!/usr/bin/env node
// `npm run stress`: the project's reliability suite (not part of `npm test`).
//
//   node bench/stress/run.mjs [--quick] [part ...]
//
// Runs every part (kill9, bad-inputs, races, soak; or those named), prints
// PASS/FAIL per part, and — for a full run of every part — writes
// bench/reliability.md with the machine and date. --quick shrinks every part
// (fewer trials and inputs, 1-minute soaks) for development; the committed
// results are a full run. Exits 1 if any part failed.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
// As in bench/run.mjs: processes started here run without this machine's extra CA bundle.
delete process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_OPTIONS;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const PARTS = ['kill9', 'bad-inputs', 'races', 'soak'];
const only = args.filter((a) => !a.startsWith('--'));
for (const o of only) if (!PARTS.includes(o)) throw new Error(`unknown part ${o}; parts: ${PARTS.join(', ')}`);
const parts = only.length ? PARTS.filter((p) => only.includes(p)) : PARTS;

const started = Date.now();
const results = [];
for (const part of parts) {
  const t0 = Date.now();
  process.stderr.write(`stress: ${part}${quick ? ' (quick)' : ''} …\n`);
  let result;
  try {
    const mod = await import(`./${part}.mjs`);
    result = await mod.run({ quick });
  } catch (e) {
    result = { name: part, pass: false, summary: `crashed: ${e instanceof Error ? e.stack : String(e)}`, details: [] };
  }
  result.seconds = Math.round((Date.now() - t0) / 1000);
  results.push(result);
  process.stdout.write(`${result.pass ? 'PASS' : 'FAIL'}  ${result.name}: ${result.summary} (${result.seconds} s)\n`);
}
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const passed = results.filter((r) => r.pass).length;
process.stdout.write(`stress: ${passed} passed, ${results.length - passed} failed in ${minutes} min\n`);

if (!quick && only.length === 0) {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const lines = [
    '# parasol reliability results (`npm run stress`)',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()} (shared with other work while it ran)`,
    `- node: ${process.version}`,
    `- total time: ${minutes} min; ${passed} of ${results.length} parts passed`,
    '',
    '| part | result | summary | seconds |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.pass ? 'PASS' : 'FAIL'} | ${r.summary} | ${r.seconds} |`),
    '',
  ];
  for (const r of results) lines.push(`## ${r.name}: ${r.pass ? 'PASS' : 'FAIL'}`, '', ...r.details, '');
  writeFileSync(join(here, '..', 'reliability.md'), lines.join('\n'));
  process.stderr.write('stress: wrote bench/reliability.md\n');
}
process.exitCode = passed === results.length ? 0 : 1;
