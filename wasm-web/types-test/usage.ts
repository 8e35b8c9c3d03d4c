// Type-level test of index.d.ts: compiles under --strict with the expected
// errors where @ts-expect-error says so. Run: npm run typecheck (needs the
// typescript devDependency).
import { init, initSync, ready, Gate, PolicyError, RecordingSet } from '../js/index.js';
import type { Policy, Request, Recording, Decision, Obligation, Controls, ControlState, LintFinding, ValidationError, Explanation, Visibility, Permission, Refusal, Retention, Session, GateUpdated, SliceOf, Why } from '../js/index.js';
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
  const session: Session = { principal: 'u', actor: 'svc' };
  const asActor: Controls = gate.controls(session, rows[0], '2026-11-22T12:00:00Z');
  const state: ControlState = asActor.monitorLive;
  if (state.status === 'notApplicable') { const none: null = state.reason; void none; }
  if (state.status === 'denied') { const code: string = state.reason; void code; }
  if (state.status === 'allowed') { const ok: true = state.allowed; void ok; }
  const words: string = state.words + ex0().words;
  const refused: Refusal | null = gate.refusal(session);
  const kept: Retention | null = gate.effective(rows[0])?.retention ?? null;
  const untilText: string | null = kept?.until ?? null;
  const spread = gate.can(session, 'recording:recording:view', { type: 'recording', ...rows[0] });
  const seen: Visibility[] = gate.visibility({ principal: 'u' }, rows);
  function ex0(): Explanation { return gate.explain(req); }
  const lint: LintFinding[] = gate.lint();
  const ex: Explanation = gate.explain(req);
  const s: Policy = gate.slice('u');
  const h: string = gate.revisionHash;
  try { Gate.fromPolicy('{}'); } catch (e) { if (e instanceof PolicyError) { const errs: ValidationError[] = e.errors; void errs; } }
  // @ts-expect-error: not a catalog permission
  gate.can('u', 'recording:*:view', { type: 'role', id: 'x' });
  // @ts-expect-error: unknown resource type
  const bad: Request = { principal: 'u', permission: 'routing:queue:view', resource: { type: 'spaceship', id: 'x' }, now: 'x' };
  // @ts-expect-error: a control that does not apply has no reason code
  if (state.status === 'notApplicable') { const r: string = state.reason; void r; }
  // Live updates, lifetimes, why() and the slice's source.
  const stop: () => void = gate.on('updated', (e: GateUpdated) => { const r: string = e.revision; const n: number = e.version; void r; void n; });
  gate.update(s);
  const version: number = gate.version;
  const source: string = gate.sourceHash;
  const of: SliceOf | undefined = s.sliceOf;
  const release: () => void = gate.retain();
  const why: Why = gate.why('u', 'recording:recording:delete', { type: 'recording', ...rows[0] });
  const whyWords: string = why.words;
  const freed: boolean = gate.freed;
  // @ts-expect-error: a Gate has only the 'updated' event
  gate.on('changed', () => {});
  stop(); release();
  void [allowed, title, v, t2, p, lint, ex, s, h, text, bad, words, refused, untilText, spread, seen, version, source, of, whyWords, freed];
  set.free(); gate.free();
}
void main;

// Signed slices (js/signature.js).
import { verifyPolicySignature, signedMessage, SIGNATURE_FORMAT } from '../js/index.js';
import type { SignatureEnvelope, SignatureVerdict, SignatureRefusal } from '../js/index.js';
async function signed(gate: Gate, envelope: SignatureEnvelope, keys: string[]) {
  const v: SignatureVerdict = await verifyPolicySignature(gate, envelope, keys, { minimumSerial: 3 });
  if (v.valid) { const serial: number = v.serial; void serial; } else { const why: SignatureRefusal = v.reason; void why; }
  const bytes: Uint8Array = signedMessage(gate.revisionHash, envelope.serial);
  const f: 'recgate-signature/v1' = SIGNATURE_FORMAT;
  // @ts-expect-error: a serial is a number
  signedMessage(gate.revisionHash, '3');
  void [bytes, f];
}
void signed;
