import type { ServiceContext } from '../module.js';
import { deleteSecret, secretsDueForPurge } from './store.js';

/** Purges secrets whose recovery window has ended (all regions), in one transaction. */
export function purgeExpiredSecrets(ctx: ServiceContext): number {
  return ctx.db.transaction(() => {
    const due = secretsDueForPurge(ctx.db, ctx.now);
    for (const secret of due) deleteSecret(ctx.db, secret.id);
    if (due.length > 0) ctx.log.info('purged secrets past their recovery window', { count: due.length });
    return due.length;
  })();
}
