import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createLogger,
  defaultLogFormat,
  escapeControl,
  type LogFormat,
  type LogLevel,
  parseLogFormat,
  parseLogLevel,
} from '../src/index.ts';

const AT = new Date('2026-12-04T17:20:01.234Z');

function capture(format: LogFormat, level: LogLevel = 'debug') {
  const lines: string[] = [];
  const log = createLogger({ component: 'test', level, format, write: (l) => lines.push(l), now: () => AT });
  return { log, lines };
}

describe('@parasol/log', () => {
  test('JSON lines: time, level, component, msg, then fields; undefined and null fields left out', () => {
    const { log, lines } = capture('json');
    log.info('listening on http://127.0.0.1:2773', { version: '0.1.0', port: 2773, ok: true, skipped: undefined, none: null });
    assert.deepEqual(lines, [
      '{"time":"2026-12-04T17:20:01.234Z","level":"info","component":"test","msg":"listening on http://127.0.0.1:2773","version":"0.1.0","port":2773,"ok":true}\n',
    ]);
  });

  test('text: time of day, padded upper-case level, component, message, key=value (quoted when needed)', () => {
    const { log, lines } = capture('text');
    log.warn('prefetch failed', {
      secret: 'app/db',
      error: 'ResourceNotFoundException',
      data: 'in memory',
      empty: '',
      eq: 'a=b',
      q: 'say "hi"',
    });
    assert.deepEqual(lines, [
      '17:20:01.234Z WARN  test: prefetch failed secret=app/db error=ResourceNotFoundException data="in memory" empty="" eq="a=b" q="say \\"hi\\""\n',
    ]);
  });

  test('control characters are escaped in the message and every field, in both formats', () => {
    const forged = 'x\r\n{"level":"error"}\u001b[31m\u0085\u2028\u202e\u0000\u007f\t';
    const json = capture('json');
    json.log.error(forged, { id: forged });
    assert.equal(json.lines.length, 1);
    assert.equal(json.lines[0].split('\n').length, 2, 'one line');
    const record = JSON.parse(json.lines[0]);
    const escaped = 'x\\r\\n{"level":"error"}\\x1b[31m\\x85\\u2028\\u202e\\x00\\x7f\\t';
    assert.equal(record.msg, escaped);
    assert.equal(record.id, escaped);
    const text = capture('text');
    text.log.error(forged, { id: forged });
    assert.equal(
      text.lines[0],
      `17:20:01.234Z ERROR test: ${escaped} id="x\\r\\n{\\"level\\":\\"error\\"}\\x1b[31m\\x85\\u2028\\u202e\\x00\\x7f\\t"\n`,
    );
    assert.equal(escapeControl('plain/name-1'), 'plain/name-1');
  });

  test('a list field is a JSON array, or comma-joined in text; its items are escaped too', () => {
    const json = capture('json');
    json.log.info('unknown access key', { configured: ['test', 'x\ny'] });
    assert.deepEqual(JSON.parse(json.lines[0]).configured, ['test', 'x\\ny']);
    const text = capture('text');
    text.log.info('unknown access key', { configured: ['test', 'other'] });
    assert.equal(text.lines[0], '17:20:01.234Z INFO  test: unknown access key configured=test,other\n');
  });

  test('levels: below the threshold nothing is written; none writes nothing; enabled() agrees', () => {
    const { log, lines } = capture('json', 'warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).level),
      ['warn', 'error'],
    );
    assert.deepEqual([log.enabled('info'), log.enabled('warn')], [false, true]);
    const none = capture('text', 'none');
    none.log.error('e');
    assert.deepEqual(none.lines, []);
  });

  test('child loggers keep level, format and writer under another component', () => {
    const { log, lines } = capture('json', 'info');
    log.child('extension').info('x');
    log.child('extension').debug('y');
    assert.equal(JSON.parse(lines[0]).component, 'extension');
    assert.equal(lines.length, 1);
  });

  test('format: PARASOL_LOG_FORMAT wins, else text on a terminal and json off it; names parse in any case', () => {
    assert.equal(defaultLogFormat({}, { isTTY: true }), 'text');
    assert.equal(defaultLogFormat({}, { isTTY: false }), 'json');
    assert.equal(defaultLogFormat({ PARASOL_LOG_FORMAT: 'JSON' }, { isTTY: true }), 'json');
    assert.equal(defaultLogFormat({ PARASOL_LOG_FORMAT: '' }, {}), 'json');
    assert.throws(() => defaultLogFormat({ PARASOL_LOG_FORMAT: 'yaml' }, {}), {
      message: "PARASOL_LOG_FORMAT must be text or json, got 'yaml'",
    });
    assert.equal(parseLogLevel('WARN'), 'warn');
    assert.equal(parseLogFormat('Text'), 'text');
    assert.throws(() => parseLogLevel('trace', '--log-level'), {
      message: "--log-level must be one of debug, info, warn, error, none (any case), got 'trace'",
    });
  });
});
