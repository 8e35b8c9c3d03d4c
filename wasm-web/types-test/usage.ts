// Type-level test of index.d.ts: compiles under --strict with the expected
// errors where @ts-expect-error says so. Run: npm run typecheck (needs the
// typescript devDependency).
import { init, initSync, ready, Gate, PolicyError, RecordingSet } from '../js/index.js';
import type { Policy, Request, Recording, Decision, Obligation, Controls, LintFinding, ValidationError, Explanation, Visibility, Permission } from '../js/index.js';
import * as bundler from '../js/bundler.js';

async function main(slice: Policy, rows: (Recording & { title: string })[]) {
  await init();
  await ready();
  initSync(new Uint8Array(0));
  const gate: Gate = Gate.fromPolicy(slice);
  const text: Gate = bundler.Gate.fromPolicy(JSON.stringify(slice), { maxBytes: 1 << 20 });
  const req: Request = { principal: 'u', permission: 'recording:recording:view', resource: { type: 'recording', id: 'r', media: 'audio' }, now: '2026-11-22T12:00:00Z' };
  const d: Decision = gate.check(req);
  const ob: Obligation[] = d.obligations;
  for (const o of ob) { if (o.type === 'cascade') { const ids: string[] = o.ids; void ids; } }
  const allowed: boolean = gate.can('u', 'recording:recording:download', { type: 'queue', id: 'q' });
  const shown = gate.visible('u', rows, new Date());
  const title: string = shown[0].title;
  const v: Visibility[] = gate.visibility('u', rows);
  const set: RecordingSet<Recording & { title: string }> = gate.prepare(rows);
  const again = gate.visible('u', set);
  const t2: string = again[0].title;
  const c: Controls = gate.controls('u', rows[0]);
  const p: Permission | null = c.play.permission;
  const lint: LintFinding[] = gate.lint();
  const ex: Explanation = gate.explain(req);
  const s: Policy = gate.slice('u');
  const h: string = gate.revisionHash;
  try { Gate.fromPolicy('{}'); } catch (e) { if (e instanceof PolicyError) { const errs: ValidationError[] = e.errors; void errs; } }
  // @ts-expect-error: not a catalog permission
  gate.can('u', 'recording:*:view', { type: 'role', id: 'x' });
  // @ts-expect-error: unknown resource type
  const bad: Request = { principal: 'u', permission: 'routing:queue:view', resource: { type: 'spaceship', id: 'x' }, now: 'x' };
  void [allowed, title, v, t2, p, lint, ex, s, h, text, bad];
  set.free(); gate.free();
}
void main;
