// A recgate/v1 organisation expressed as CASL rules: one MongoAbility per user, built with
// AbilityBuilder the way an app gates its UI (`can(action, 'Recording', mongoConditions)`,
// denies as `cannot`). Actions are recgate's permission strings; the only subject type is
// 'Recording' (what a recordings UI gates). What CASL conditions cannot say — retention
// arithmetic, defaults of absent attributes, rules that depend on other decisions (access,
// prerequisites, sensitive export) — is computed in plain JS around the ability; CASL.md
// lists each of those choices.

import { AbilityBuilder, createMongoAbility } from '@casl/ability';

/** The catalog's recording permissions (SPEC §6) with the media they apply to. */
const RECORDING_PERMISSIONS = {
  'recording:recording:view': 'notScreen',
  'recording:recording:delete': 'notScreen',
  'recording:recording:download': 'notScreen',
  'recording:recording:blackout': 'notScreen',
  'recording:recording:editRetention': 'any',
  'recording:recording:restore': 'any',
  'recording:recording:viewSensitiveData': 'any',
  'recording:screenRecording:view': 'screen',
  'recording:screenRecording:delete': 'screen',
  'recording:screenRecording:edit': 'screen',
  'recording:screenRecording:download': 'screen',
  'recording:metadata:view': 'any',
  'recording:deletionProtection:apply': 'any',
  'recording:deletionProtection:revoke': 'any',
  'conversation:transcript:view': 'any',
  'conversation:call:monitor': 'live',
};
const ALL = Object.keys(RECORDING_PERMISSIONS);
const onlyFor = (kind) => ALL.filter((p) => RECORDING_PERMISSIONS[p] === kind);
/** SPEC §3 step 5: what a legal hold refuses. */
const LEGAL_HOLD_REFUSES = [
  'recording:recording:delete', 'recording:screenRecording:delete',
  'recording:recording:editRetention', 'recording:recording:blackout',
];
export const ACCESS = new Set(['recording:recording:view', 'recording:screenRecording:view', 'recording:metadata:view']);
export const isRecordingPermission = (p) => Object.hasOwn(RECORDING_PERMISSIONS, p);

/** Catalog recording permissions a grant or deny pattern (`recording:*:delete`) reaches. */
function expand(pattern) {
  const want = pattern.split(':');
  return ALL.filter((p) => p.split(':').every((seg, i) => want[i] === '*' || want[i] === seg));
}

/** Grants and denies of a role and of every role it inherits, transitively. */
function effectiveRules(roles, name, seen = new Set()) {
  if (seen.has(name) || !roles[name]) return { grants: [], denies: [] };
  seen.add(name);
  const role = roles[name];
  const out = { grants: [...(role.grants ?? [])], denies: [...(role.denies ?? [])] };
  for (const parent of role.inherits ?? []) {
    const inherited = effectiveRules(roles, parent, seen);
    out.grants.push(...inherited.grants);
    out.denies.push(...inherited.denies);
  }
  return out;
}

/**
 * A recgate scope as alternatives of mongo conditions, one CASL rule each: CASL's conditions
 * have no `$or`, a subject matches when any rule does. An empty list reaches no recording.
 */
function scopeAlternatives(policy, scope = 'all', userId, user) {
  if (scope === 'all') return [{}];
  if (scope === 'self') return [{ owner: userId }];
  if (scope === 'assigned') return [{ owner: userId }, { participants: userId }];
  if (scope === 'lines') return [{ line: { $in: user.lines ?? [] } }];
  if (scope.group !== undefined) return [{ owner: { $in: policy.groups?.[scope.group]?.members ?? [] } }];
  const view = policy.views?.[scope.view] ?? {};
  const owners = [...(view.users ?? [])];
  for (const g of view.groups ?? []) owners.push(...(policy.groups?.[g]?.members ?? []));
  const alternatives = [];
  if (view.queues?.length) alternatives.push({ queue: { $in: view.queues } });
  if (owners.length) alternatives.push({ owner: { $in: owners } });
  return alternatives;
}

/** The mongo condition for a rule's `when`. */
function whenCondition(when = {}) {
  const c = {};
  if (when.queues) c.queue = { $in: when.queues };
  if (when.media) c.media = { $in: when.media };
  if (when.directions) c.direction = { $in: when.directions };
  return c;
}

/**
 * The AND of conditions on distinct attributes, or on the same scalar attribute as `$in`
 * lists (a view's queues and a `when.queues`): those intersect.
 */
function allOf(...conditions) {
  const out = {};
  for (const c of conditions) {
    for (const [key, value] of Object.entries(c)) {
      if (!(key in out)) out[key] = value;
      else if (out[key].$in && value.$in) out[key] = { $in: out[key].$in.filter((x) => value.$in.includes(x)) };
      else throw new Error(`casl encoding: cannot combine two conditions on ${key}`);
    }
  }
  return out;
}

/** One user's MongoAbility: its roles' grants as `can`, its denies and the org-wide refusals as `cannot`. */
export function abilityFor(policy, userId) {
  const user = policy.users[userId];
  const homeRegion = policy.settings?.homeRegion ?? 'us-east-1';
  const region = user.region ?? homeRegion;
  const { can, cannot, build } = new AbilityBuilder(createMongoAbility);
  if (!user.disabled) {
    const denies = [];
    for (const assignment of user.roles ?? []) {
      const divisions = assignment.divisions ?? ['home'];
      const divisionCond = divisions.includes('*') ? {} : { divisions: { $in: divisions } };
      const rules = effectiveRules(policy.roles ?? {}, assignment.role);
      for (const grant of rules.grants) {
        const perms = expand(grant.permission);
        if (!perms.length) continue;
        // SPEC step 9: a crossRegion grant lifts the region check only for metadata, never for a BPO user.
        const crossRegion = grant.crossRegion === true && !user.bpo;
        const sameRegion = perms.filter((p) => !(crossRegion && p === 'recording:metadata:view'));
        const anyRegion = perms.filter((p) => crossRegion && p === 'recording:metadata:view');
        for (const scope of scopeAlternatives(policy, grant.scope, userId, user)) {
          const base = allOf(divisionCond, scope, whenCondition(grant.when));
          if (sameRegion.length) can(sameRegion, 'Recording', { ...base, region });
          if (anyRegion.length) can(anyRegion, 'Recording', base);
        }
      }
      denies.push(...rules.denies);
    }
    // Later rules win in CASL: denies (which ignore divisions, SPEC step 7) come after every grant.
    for (const deny of denies) {
      const perms = expand(deny.permission);
      if (!perms.length) continue;
      for (const scope of scopeAlternatives(policy, deny.scope, userId, user)) {
        cannot(perms, 'Recording', allOf(scope, whenCondition(deny.when)));
      }
    }
    // Organisation-wide refusals: permissions that do not apply to the media (step 1),
    // retention (step 4, `expired` is computed by subjectOf) and legal hold (step 5).
    cannot(onlyFor('notScreen'), 'Recording', { media: 'screen' });
    cannot(onlyFor('screen'), 'Recording', { media: { $ne: 'screen' } });
    cannot(onlyFor('live'), 'Recording', { live: { $ne: true } });
    cannot(ALL, 'Recording', { expired: true });
    cannot(LEGAL_HOLD_REFUSES, 'Recording', { legalHold: true });
  }
  return build({ detectSubjectType: (subject) => subject.kind });
}

/** Milliseconds of an RFC 3339 time, NaN when unreadable. */
export const parseTime = (text) => (typeof text === 'string' ? Date.parse(text) : NaN);

/**
 * The CASL subject of a recgate recording: its attributes with recgate's defaults made
 * explicit (divisions `["home"]`, region = home region) and `expired` computed for `nowMs`
 * (SPEC step 4), which mongo conditions cannot compute. `createdMs` lets a caller that parses
 * many rows cache the parse.
 */
export function subjectOf(rec, nowMs, settings, createdMs = parseTime(rec.createdAt)) {
  const screen = rec.media === 'screen';
  const days = rec.retentionDays ?? settings.retentionDays?.[screen ? 'screen' : 'default'];
  const expired = !rec.legalHold && rec.createdAt !== undefined && days !== undefined
    && nowMs >= createdMs + days * 86_400_000;
  return {
    kind: 'Recording',
    media: rec.media,
    direction: rec.direction,
    owner: rec.owner,
    participants: rec.participants ?? [],
    queue: rec.queue,
    divisions: rec.divisions ?? ['home'],
    region: rec.region ?? settings.homeRegion ?? 'us-east-1',
    line: rec.line,
    legalHold: rec.legalHold === true,
    sensitive: rec.sensitive === true,
    live: rec.live === true,
    expired,
  };
}

/** The permission that gives access to a recording's media (SPEC step 11). */
export const mediaView = (subject) => (subject.media === 'screen' ? 'recording:screenRecording:view' : 'recording:recording:view');

/**
 * Whether `ability` allows `permission` on `subject`: the CASL check, then what depends on
 * other decisions — prerequisites (step 10), media access (step 11), export (step 12).
 */
export function decide(ability, user, policy, permission, subject, depth = 0) {
  if (depth > 8 || !ability.can(permission, subject)) return false;
  for (const pre of policy.prerequisites?.[permission] ?? []) {
    if (!decide(ability, user, policy, pre, subject, depth + 1)) return false;
  }
  if (!ACCESS.has(permission) && !decide(ability, user, policy, mediaView(subject), subject, depth + 1)) return false;
  if (permission.endsWith(':download')) {
    if (user.bpo && !policy.settings?.bpoExport) return false;
    if (subject.sensitive && !decide(ability, user, policy, 'recording:recording:viewSensitiveData', subject, depth + 1)) return false;
  }
  return true;
}
