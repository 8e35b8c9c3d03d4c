// Evaluates a recgate query plan's JSON filter (docs/query-plans.md) on a
// recording object — what a Node back end does with `gate.plan(...)` when its
// store is in memory rather than in SQL.

const MS_PER_DAY = 86_400_000;

function cond(c, r, homeRegion) {
  const has = (v) => v !== undefined && v !== null;
  switch (c.attr) {
    case 'ownerIn': return has(r.owner) && c.values.includes(r.owner);
    case 'participantIn': return (r.participants ?? []).some((p) => c.values.includes(p));
    case 'queueIn': return has(r.queue) && c.values.includes(r.queue);
    case 'divisionIn': return (r.divisions ?? ['home']).some((d) => c.values.includes(d));
    case 'regionIn': return c.values.includes(r.region ?? homeRegion);
    case 'lineIn': return has(r.line) && c.values.includes(r.line);
    case 'mediaIn': return has(r.media) && c.values.includes(r.media);
    case 'directionIn': return has(r.direction) && c.values.includes(r.direction);
    case 'legalHold': return r.legalHold === true;
    case 'sensitive': return r.sensitive === true;
    case 'live': return r.live === true;
    case 'expired': {
      if (r.legalHold === true || !has(r.createdAt)) return false;
      const days = r.retentionDays ?? (r.media === 'screen' ? c.screenDays : c.defaultDays);
      if (!has(days)) return false;
      return c.now >= Date.parse(r.createdAt) + days * MS_PER_DAY;
    }
    default: return false; // an unknown condition never admits a row
  }
}

/** Whether the plan filter admits the recording. */
export function matches(f, r, homeRegion) {
  switch (f.op) {
    case 'always': return true;
    case 'never': return false;
    case 'and': return f.args.every((x) => matches(x, r, homeRegion));
    case 'or': return f.args.some((x) => matches(x, r, homeRegion));
    case 'not': return !matches(f.args, r, homeRegion);
    case 'cond': return cond(f.args, r, homeRegion);
    default: return false;
  }
}
