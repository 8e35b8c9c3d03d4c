// React bindings of recgate (`@recgate/web/react`): a provider that holds the
// gate and who is signed in, hooks that decide through it and re-render when
// its policy is updated (gate.update), and <Can> with a render prop. Every
// answer, and every word of it, comes from the core through the Gate: this
// file only keeps React's lifetimes right.
//
// React is an optional peer dependency: only this entry imports it.

import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Gate } from './gate.js';

/** @type {import('react').Context<null | { gate: Gate, who: any, now: any }>} */
const GateContext = /* @__PURE__ */ createContext(null);

/**
 * Gives its subtree a gate and who asks. Either `gate` (yours: you free it)
 * or `policy` (a slice, JSON text or an object: the provider loads it, calls
 * `gate.update` when the prop changes, and frees the gate after it unmounts).
 * An update that fails keeps the policy in force and goes to `onError` (thrown
 * when there is none).
 */
export function GateProvider({ gate, policy, who, now, onError, children }) {
  if (gate !== undefined && policy !== undefined) throw new TypeError('recgate: <GateProvider> takes a gate or a policy, not both');
  if (gate === undefined && policy === undefined) throw new TypeError('recgate: <GateProvider> needs a gate or a policy');
  const owned = gate === undefined;
  // StrictMode calls this initializer twice and drops one gate: the garbage
  // collector frees that one (the module's FinalizationRegistry).
  const [own] = useState(() => (owned ? Gate.fromPolicy(policy) : null));
  const current = owned ? own : gate;
  const applied = useRef(policy);
  const [failure, setFailure] = useState(null);
  if (failure !== null) throw failure;

  // Held while mounted; released on unmount. A release followed at once by a
  // retain (StrictMode's effect replay) keeps the gate.
  useEffect(() => (owned && own !== null ? own.retain() : undefined), [owned, own]);

  useEffect(() => {
    if (!owned || own === null || applied.current === policy) return;
    applied.current = policy;
    try {
      own.update(policy);
    } catch (e) {
      if (typeof onError === 'function') onError(e);
      else setFailure(e);
    }
  }, [owned, own, policy, onError]);

  const value = useMemo(() => ({ gate: current, who, now }), [current, who, now]);
  return createElement(GateContext.Provider, { value }, children);
}

function useContextValue(hook) {
  const ctx = useContext(GateContext);
  if (ctx === null) throw new Error(`recgate: ${hook} must be used inside a <GateProvider>`);
  return ctx;
}

/** The gate's update count, re-rendering the caller after each gate.update(). */
function useVersion(gate) {
  // One subscription per gate, not one per render.
  const subscribe = useCallback((changed) => gate.on('updated', changed), [gate]);
  const version = useCallback(() => gate.version, [gate]);
  return useSyncExternalStore(subscribe, version, version);
}

/** A string that is equal exactly when two `who` values ask as the same session. */
function whoKey(who) {
  if (who !== null && typeof who === 'object') return `${String(who.principal)}\u0000${who.actor == null ? '' : String(who.actor)}`;
  return String(who);
}

function nowKey(now) {
  return now instanceof Date ? `d${now.getTime()}` : now === undefined ? '' : `s${String(now)}`;
}

/** who and now for a hook: its options first, then the provider's. */
function asking(ctx, options) {
  const who = options?.who !== undefined ? options.who : ctx.who;
  const now = options?.now !== undefined ? options.now : ctx.now;
  return { who, now, key: `${whoKey(who)}\u0001${nowKey(now)}` };
}

/** The provider's Gate; the caller re-renders when its policy is updated. */
export function useGate() {
  const { gate } = useContextValue('useGate()');
  useVersion(gate);
  return gate;
}

/** Who the provider says is asking. */
export function useWho() {
  return useContextValue('useWho()').who;
}

/**
 * gate.why(who, permission, resource, now): `{ allowed, reason, words,
 * obligations, decision }`, the core's decision and its words. Decided again
 * when an argument, who, now or the policy changes.
 */
export function useCan(permission, resource, options) {
  const ctx = useContextValue('useCan()');
  const version = useVersion(ctx.gate);
  const a = asking(ctx, options);
  return useMemo(() => ctx.gate.why(a.who, permission, resource, a.now),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a.key stands for who and now
    [ctx.gate, version, a.key, permission, resource]);
}

/** gate.controls(who, recording, now): every player control's state. */
export function useControls(recording, options) {
  const ctx = useContextValue('useControls()');
  const version = useVersion(ctx.gate);
  const a = asking(ctx, options);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a.key stands for who and now
  return useMemo(() => ctx.gate.controls(a.who, recording, a.now), [ctx.gate, version, a.key, recording]);
}

/** gate.visible(who, rows, now): the rows the user may see, in order (the same objects). */
export function useVisible(rows, options) {
  const ctx = useContextValue('useVisible()');
  const version = useVersion(ctx.gate);
  const a = asking(ctx, options);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a.key stands for who and now
  return useMemo(() => ctx.gate.visible(a.who, rows, a.now), [ctx.gate, version, a.key, rows]);
}

/**
 * Renders `children({ allowed, reason, words, obligations, decision })` —
 * or, when `children` is not a function, the children if allowed and
 * `fallback` (default nothing) if not.
 */
export function Can({ permission, resource, who, now, children, fallback = null }) {
  const result = useCan(permission, resource, { who, now });
  if (typeof children === 'function') return children(result);
  return result.allowed ? children ?? null : fallback;
}
