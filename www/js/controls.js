// Player controls: labels, icons, and each decision put into words.
//
// The decision (allowed, reason code, grant) always comes from the core; this
// module only explains it, using the principal slice the browser holds
// (role names, the scopes of the user's grants, regions, retention).

export const CONTROL_ORDER = [
  'play', 'download', 'delete', 'blackout', 'bookmark',
  'viewBookmarks', 'transcript', 'monitorLive', 'editRetention', 'legalHold',
];

/** The control's label for this recording. */
export function controlLabel(control, rec) {
  switch (control) {
    case 'play': return rec.media === 'chat' || rec.media === 'email' ? 'Open' : 'Play';
    case 'download': return 'Download';
    case 'delete': return 'Delete';
    case 'blackout': return 'Blackout';
    case 'bookmark': return 'Add bookmark';
    case 'viewBookmarks': return 'Bookmarks';
    case 'transcript': return 'Transcript';
    case 'monitorLive': return 'Monitor live';
    case 'editRetention': return 'Retention';
    case 'legalHold': return rec.legalHold ? 'Release hold' : 'Legal hold';
    default: return control;
  }
}

const P = (d) => `<path d="${d}"/>`;
export const ICONS = {
  play: P('M8 5.5v13l10.5-6.5z'),
  pause: P('M7 5h3.5v14H7zM13.5 5H17v14h-3.5z'),
  download: P('M12 4v10m0 0-4-4m4 4 4-4M5 19h14'),
  delete: P('M5 7h14M10 7V5h4v2m-7 0 1 12h8l1-12'),
  blackout: P('M4 9h16v6H4z') + P('M4 4l16 16'),
  bookmark: P('M7 4h10v16l-5-4-5 4z'),
  viewBookmarks: P('M6 6h12M6 12h12M6 18h8'),
  transcript: P('M5 5h14v10H9l-4 4z') + P('M8 9h8M8 12h5'),
  monitorLive: P('M4 14v-2a8 8 0 0 1 16 0v2') + P('M4 14h3v5H4zM17 14h3v5h-3z'),
  editRetention: P('M12 7v5l3 2') + '<circle cx="12" cy="12" r="8"/>',
  legalHold: P('M12 3 5 6v6c0 4 3 7 7 9 4-2 7-5 7-9V6z'),
  lock: P('M7 11V8a5 5 0 0 1 10 0v3') + P('M5 11h14v9H5z'),
  info: '<circle cx="12" cy="12" r="8.5"/>' + P('M12 11v5M12 8v.5'),
};

export function icon(name, cls = 'icon') {
  return `<svg class="${cls}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name] ?? ''}</svg>`;
}

// ── reading the slice ──────────────────────────────────────────────────

function matches(pattern, permission) {
  const a = pattern.split(':');
  const b = permission.split(':');
  return a.length === 3 && b.length === 3 && a.every((s, i) => s === '*' || s === b[i]);
}

/** The user's role assignments with every inherited role. */
function effectiveRoles(policy, userId) {
  const roles = policy.roles ?? {};
  const out = [];
  for (const assignment of policy.users?.[userId]?.roles ?? []) {
    const seen = new Set();
    const stack = [assignment.role];
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id) || !roles[id]) continue;
      seen.add(id);
      out.push({ id, role: roles[id], divisions: assignment.divisions ?? ['home'] });
      stack.push(...(roles[id].inherits ?? []));
    }
  }
  return out;
}

/** Grants of the user whose pattern matches the permission. */
function candidateGrants(policy, userId, permission) {
  const out = [];
  for (const r of effectiveRoles(policy, userId)) {
    for (const g of r.role.grants ?? []) {
      if (matches(g.permission, permission)) out.push({ ...g, roleId: r.id, divisions: r.divisions });
    }
  }
  return out;
}

const roleName = (policy, id) => policy.roles?.[id]?.name ?? id;

function scopeText(scope, rec) {
  if (scope === 'self') return 'not your own recording';
  if (scope === 'assigned') return 'you did not take part in this interaction';
  if (scope === 'lines') return rec.line ? `line ${rec.line} is not one of your lines` : 'not recorded on one of your lines';
  if (scope && typeof scope === 'object' && 'group' in scope) return `outside your group ${scope.group}`;
  if (scope && typeof scope === 'object' && 'view' in scope) return `outside your view ${scope.view}`;
  return 'outside your scope';
}

function whenText(when) {
  const parts = [];
  if (when?.directions) parts.push(`${when.directions.join(' or ')} interactions`);
  if (when?.media) parts.push(`${when.media.join(' or ')} recordings`);
  if (when?.queues) parts.push(`queue ${when.queues.join(' or ')}`);
  return parts.length ? `only for ${parts.join(', ')}` : 'a condition of your role does not hold';
}

const uniq = (xs) => [...new Set(xs)];
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/** When the recording's retention ends (null: kept for ever, or under legal hold). */
export function retentionEnd(policy, rec) {
  if (rec.legalHold || !rec.createdAt) return null;
  const days = rec.retentionDays ?? policy.settings?.retentionDays?.[rec.media === 'screen' ? 'screen' : 'default'];
  if (days == null) return null;
  return Date.parse(rec.createdAt) + days * 86400000;
}

/**
 * The reason of a decision in words, without the control's label:
 * "blocked: legal hold", "outside your group support-us".
 * `decision` is the core's full decision for the same request (it names the
 * deny that matched); `who` is the principal whose roles decide.
 */
export function reasonText({ control, state, rec, policy, session, decision }) {
  const who = session.principal;
  const perm = state.permission ?? '';
  const user = policy.users?.[who] ?? {};
  const homeRegion = policy.settings?.homeRegion ?? 'us-east-1';
  if (state.allowed) {
    const notes = [];
    if (state.obligations.some((o) => o.type === 'redact')) notes.push('sensitive parts redacted');
    const cascade = state.obligations.filter((o) => o.type === 'cascade').flatMap((o) => o.ids);
    if (cascade.length) notes.push(`also deletes ${cascade.length} related recording${cascade.length === 1 ? '' : 's'}`);
    return notes.join('; ');
  }
  switch (state.reason) {
    case 'invalid_request':
      if (control === 'monitorLive') return 'not a live interaction';
      if (control === 'blackout' && rec.media === 'screen') return 'not available for screen recordings';
      return 'not applicable to this recording';
    case 'unknown_principal': return 'unknown user';
    case 'principal_disabled': return 'account disabled';
    case 'impersonation_denied': return `${session.actor} may not act for ${who}`;
    case 'unknown_resource': return 'recording not found';
    case 'expired': {
      const end = retentionEnd(policy, rec);
      return end === null ? 'blocked: retention expired' : `blocked: retention expired ${day(end)}`;
    }
    case 'legal_hold': return 'blocked: legal hold';
    case 'private_annotation': return 'private bookmark';
    case 'denied': {
      const role = decision?.grant?.role;
      return role ? `denied by role ${roleName(policy, role)}` : 'denied by a deny rule';
    }
    case 'no_permission': return `not in your roles (${perm})`;
    case 'out_of_division': return `outside your divisions (recording in ${(rec.divisions ?? ['home']).join(', ')})`;
    case 'out_of_scope': {
      const scopes = uniq(candidateGrants(policy, who, perm).map((g) => scopeText(g.scope ?? 'all', rec)));
      return scopes.length ? scopes.join(' or ') : 'outside your scope';
    }
    case 'condition_unmet': {
      const whens = uniq(candidateGrants(policy, who, perm).filter((g) => g.when).map((g) => whenText(g.when)));
      return whens.length ? whens.join(' or ') : 'a condition of your role does not hold';
    }
    case 'region':
      return `stored in ${rec.region ?? homeRegion}, you are in ${user.region ?? homeRegion}`;
    case 'prerequisite_missing': {
      const needs = policy.prerequisites?.[perm] ?? [];
      return needs.length ? `requires ${needs.join(', ')}` : 'a prerequisite permission is missing';
    }
    case 'no_access':
      return rec.media === 'screen' ? 'requires access to the screen recording' : 'requires access to the recording';
    case 'bpo_restricted': return 'exports are disabled for BPO users';
    case 'sensitive': return 'sensitive recording: needs sensitive-data access';
    default: return state.reason;
  }
}

/** "Delete — blocked: legal hold" / "Play" / "Play — sensitive parts redacted". */
export function controlText(label, reason) {
  return reason ? `${label} — ${reason}` : label;
}
