// The benchmark organisation and recordings of tests/src/org.rs, ported
// call for call (same SplitMix64, same seeds, same draws in the same order),
// so that the browser figures are measured on the data the native core
// benchmark uses. Runs in Node and in the browser.

const MASK = (1n << 64n) - 1n;

export class Rng {
  constructor(seed) {
    this.s = BigInt(seed) & MASK;
  }
  next() {
    this.s = (this.s + 0x9E3779B97F4A7C15n) & MASK;
    let z = this.s;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK;
    return z ^ (z >> 31n);
  }
  below(n) {
    return Number(this.next() % BigInt(Math.max(n, 1)));
  }
  chance(percent) {
    return this.next() % 100n < BigInt(percent);
  }
}

/** The reference org: 10,000 users, 500 roles, 200 groups, 300 queues, 20 divisions. */
export const REFERENCE = { users: 10_000, roles: 500, groups: 200, queues: 300, divisions: 20 };

const GRANTABLE = [
  'recording:recording:view',
  'recording:screenRecording:view',
  'recording:metadata:view',
  'recording:recording:download',
  'recording:recording:delete',
  'recording:annotation:view',
  'recording:annotation:add',
  'conversation:transcript:view',
  'routing:queue:view',
  'analytics:reportingData:view',
];

export const userId = (i) => `user-${i}`;
const division = (i) => (i === 0 ? 'home' : `div-${i}`);

/** A valid recgate/v1 policy of the given size (tests/src/org.rs `org`). */
export function org(size = REFERENCE, seed = 42) {
  const rng = new Rng(seed);
  const divisions = {};
  for (let d = 0; d < size.divisions; d++) divisions[division(d)] = { name: `Division ${d}` };
  const groups = {};
  for (let g = 0; g < size.groups; g++) {
    const members = [];
    for (let u = g; u < size.users; u += size.groups) members.push(userId(u));
    groups[`group-${g}`] = { members };
  }
  const queues = {};
  for (let q = 0; q < size.queues; q++) {
    const members = [];
    for (let u = q; u < size.users; u += size.queues) members.push(userId(u));
    queues[`queue-${q}`] = { division: division(q % size.divisions), members, groups: [`group-${q % size.groups}`] };
  }
  const views = {};
  for (let v = 0; v < 20; v++) {
    const qs = [];
    for (let k = 0; k < 5; k++) qs.push(`queue-${(v * 5 + k) % size.queues}`);
    views[`view-${v}`] = { queues: qs };
  }
  const roles = { employee: { system: true, grants: [{ permission: 'directory:user:view', scope: 'self' }] } };
  for (let r = 0; r < size.roles; r++) {
    const grants = [];
    const count = 3 + rng.below(4);
    for (let i = 0; i < count; i++) {
      const permission = GRANTABLE[rng.below(GRANTABLE.length)];
      let scope;
      switch (rng.below(6)) {
        case 0: scope = 'all'; break;
        case 1: scope = 'self'; break;
        case 2: scope = 'assigned'; break;
        case 3: case 4: scope = { group: `group-${rng.below(size.groups)}` }; break;
        default: scope = { view: `view-${rng.below(20)}` };
      }
      const g = { permission, scope };
      if (rng.chance(20)) g.when = { directions: ['inbound'] };
      grants.push(g);
    }
    const denies = rng.chance(10) ? [{ permission: 'recording:*:delete' }] : [];
    roles[`role-${r}`] = { name: `Role ${r}`, grants, denies };
  }
  const users = {};
  for (let u = 0; u < size.users; u++) {
    let assignments = [{ role: 'employee' }];
    const count = 1 + rng.below(3);
    for (let i = 0; i < count; i++) {
      let divs;
      if (rng.chance(30)) {
        divs = ['*'];
      } else {
        const set = new Set([division(rng.below(size.divisions)), division(rng.below(size.divisions))]);
        divs = [...set].sort();
      }
      assignments.push({ role: `role-${rng.below(size.roles)}`, divisions: divs });
    }
    const seen = new Set();
    assignments = assignments.filter((a) => !seen.has(a.role) && seen.add(a.role));
    users[userId(u)] = {
      roles: assignments,
      division: division(u % size.divisions),
      region: u % 10 === 0 ? 'eu-west-1' : 'us-east-1',
    };
  }
  return {
    schema: 'recgate/v1',
    revision: `bench-${size.users}u-${size.roles}r`,
    settings: { homeRegion: 'us-east-1', retentionDays: { screen: 30, default: 365 } },
    divisions, groups, queues, views, roles, users,
  };
}

/** Recordings spread over the org's users, queues and divisions (tests/src/org.rs `recordings`). */
export function recordings(size = REFERENCE, n = 100_000, seed = 3) {
  const rng = new Rng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const owner = rng.below(size.users);
    const screen = rng.chance(30);
    const d = rng.below(size.divisions);
    const direction = rng.chance(50) ? 'inbound' : 'outbound';
    const queue = `queue-${rng.below(size.queues)}`;
    const region = rng.chance(10) ? 'eu-west-1' : 'us-east-1';
    const day = 1 + rng.below(21);
    const sensitive = rng.chance(5);
    out[i] = {
      id: `rec-${i}`,
      media: screen ? 'screen' : 'audio',
      direction,
      owner: userId(owner),
      participants: [userId(owner)],
      queue,
      divisions: [d === 0 ? 'home' : `div-${d}`],
      region,
      createdAt: `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`,
      sensitive,
    };
  }
  return out;
}

/** `n` recording requests by random principals (the shape of the core benchmark's requests). */
export function requests(size = REFERENCE, n = 20_000, seed = 11) {
  const recs = recordings(size, n, seed);
  const rng = new Rng(5);
  return recs.map((r) => {
    const screen = r.media === 'screen';
    let permission;
    const k = rng.below(4);
    if (k === 0) permission = 'recording:metadata:view';
    else if (k === 1 && !screen) permission = 'recording:recording:download';
    else if (screen) permission = 'recording:screenRecording:view';
    else permission = 'recording:recording:view';
    return {
      principal: userId(rng.below(size.users)),
      permission,
      resource: { type: 'recording', ...r },
      now: '2026-11-22T12:00:00Z',
    };
  });
}
