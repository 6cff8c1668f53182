import type { ServiceContext } from '../module.js';
import { expired, remove } from './store.js';

/** Deletes parameters whose Expiration policy has passed (all regions), in one transaction; reads already hide them. */
export function deleteExpiredParameters(ctx: ServiceContext): number {
  return ctx.db.transaction(() => {
    const due = expired(ctx.db, ctx.now);
    for (const { region, key } of due) remove(ctx.db, region, key);
    if (due.length > 0) ctx.log.info('expired parameters deleted', { count: due.length });
    return due.length;
  })();
}
