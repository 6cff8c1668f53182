import { invalidParameter } from './errors.js';
import type { RotationRulesInput } from './shapes.js';

/**
 * RotationRules (Secrets Manager API Reference: RotateSecret, RotationRulesType): `AutomaticallyAfterDays` (1–1000) or a
 * `ScheduleExpression` — `rate(N hours|days)` (at least every 4 hours) or an
 * EventBridge-style `cron(minutes hours day-of-month month day-of-week year)`,
 * always UTC — plus an optional window `Duration` (`Nh`). This module validates
 * them and computes the next rotation time from the last value change.
 */

export type Schedule = { kind: 'interval'; everyMs: number } | { kind: 'cron'; cron: Cron };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Validates rules as AWS does; returns the schedule they describe. */
export function parseRotationRules(rules: RotationRulesInput): Schedule {
  const days = rules.AutomaticallyAfterDays;
  const expression = rules.ScheduleExpression;
  if (days !== undefined && expression !== undefined) {
    throw invalidParameter('You can only specify one of AutomaticallyAfterDays and ScheduleExpression in RotationRules.');
  }
  if (days === undefined && expression === undefined) {
    throw invalidParameter('RotationRules must contain either AutomaticallyAfterDays or ScheduleExpression.');
  }
  let schedule: Schedule;
  let hourly = false;
  let everyHours = 24;
  if (days !== undefined) {
    if (!Number.isInteger(days) || days < 1 || days > 1000) {
      throw invalidParameter('RotationRules.AutomaticallyAfterDays must be within 1-1000.');
    }
    schedule = { kind: 'interval', everyMs: days * DAY_MS };
  } else {
    const parsed = parseExpression(expression as string);
    schedule = parsed.schedule;
    hourly = parsed.hourly;
    everyHours = parsed.everyHours;
  }
  if (rules.Duration !== undefined) {
    const m = /^(\d+)h$/.exec(rules.Duration);
    const hours = m ? Number(m[1]) : Number.NaN;
    if (!(hours >= 1 && hours <= 24)) throw invalidParameter(`Invalid Duration: ${rules.Duration}. The rotation window must be 1h to 24h.`);
    if (hourly && hours > everyHours) {
      throw invalidParameter(`The rotation window (${rules.Duration}) can't be longer than the rotation interval of ${everyHours} hours.`);
    }
  }
  return schedule;
}

function parseExpression(expression: string): { schedule: Schedule; hourly: boolean; everyHours: number } {
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const hourly = rate[2].startsWith('hour');
    const everyHours = hourly ? n : n * 24;
    if (hourly && n < 4) {
      throw invalidParameter(`Invalid ScheduleExpression: ${expression}. Secrets Manager rotates at most every 4 hours.`);
    }
    if (n < 1 || everyHours > 1000 * 24) {
      throw invalidParameter(`Invalid ScheduleExpression: ${expression}. The rotation interval must be 4 hours to 1000 days.`);
    }
    return { schedule: { kind: 'interval', everyMs: everyHours * HOUR_MS }, hourly, everyHours };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const parsed = parseCron(cron[1], expression);
    return { schedule: { kind: 'cron', cron: parsed }, hourly: parsed.hours.size > 1, everyHours: cronHourSpacing(parsed) };
  }
  throw invalidParameter(`Invalid ScheduleExpression: ${expression}. Use rate(N hours), rate(N days) or cron(...).`);
}

/** Next rotation time after the last rotation or value change `baseMs`. */
export function nextRotation(schedule: Schedule, baseMs: number): number {
  if (schedule.kind === 'interval') return baseMs + schedule.everyMs;
  return nextCronTime(schedule.cron, baseMs);
}

// ---- cron ------------------------------------------------------------------

export interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  /** undefined = `?` (no restriction). */
  daysOfMonth?: Set<number>;
  months: Set<number>;
  /** 1 = Sunday … 7 = Saturday (EventBridge numbering); undefined = `?`. */
  daysOfWeek?: Set<number>;
  years?: Set<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseCron(body: string, expression: string): Cron {
  const bad = (why: string) => invalidParameter(`Invalid ScheduleExpression: ${expression}. ${why}`);
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw bad('A cron expression has six fields: minutes hours day-of-month month day-of-week year.');
  const [min, hour, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) throw bad('Exactly one of day-of-month and day-of-week must be ?.');
  return {
    minutes: parseField(min, 0, 59, [], bad),
    hours: parseField(hour, 0, 23, [], bad),
    daysOfMonth: dom === '?' ? undefined : parseField(dom, 1, 31, [], bad),
    months: parseField(month, 1, 12, MONTHS, bad),
    daysOfWeek: dow === '?' ? undefined : parseField(dow, 1, 7, WEEKDAYS, bad),
    years: year === '*' ? undefined : parseField(year, 1970, 2199, [], bad),
  };
}

function parseField(field: string, lo: number, hi: number, names: string[], bad: (why: string) => Error): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const named = names.indexOf(s.toUpperCase());
    const n = named >= 0 ? named + lo : /^\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!(n >= lo && n <= hi)) throw bad(`'${field}' is not a valid value between ${lo} and ${hi} (L, W and # are not supported).`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw bad(`'${field}' has an invalid step.`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [lo, hi];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : hi;
    }
    if (from > to) throw bad(`'${field}' has a range that runs backwards.`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

/** Smallest gap between two rotation hours of one day (24 when it rotates once a day). */
function cronHourSpacing(cron: Cron): number {
  const hours = [...cron.hours].sort((a, b) => a - b);
  let gap = 24;
  for (let i = 1; i < hours.length; i++) gap = Math.min(gap, hours[i] - hours[i - 1]);
  return gap;
}

/** First minute strictly after `afterMs` that matches (UTC); searches up to 10 years ahead. */
export function nextCronTime(cron: Cron, afterMs: number): number {
  const start = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  let day = Math.floor(start / DAY_MS) * DAY_MS;
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  const hours = [...cron.hours].sort((a, b) => a - b);
  for (let i = 0; i < 3700; i++, day += DAY_MS) {
    const d = new Date(day);
    if (cron.years && !cron.years.has(d.getUTCFullYear())) continue;
    if (!cron.months.has(d.getUTCMonth() + 1)) continue;
    if (cron.daysOfMonth && !cron.daysOfMonth.has(d.getUTCDate())) continue;
    if (cron.daysOfWeek && !cron.daysOfWeek.has(d.getUTCDay() + 1)) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = day + h * HOUR_MS + m * 60_000;
        if (t >= start) return t;
      }
    }
  }
  throw invalidParameter('The cron expression never matches in the next ten years.');
}
