// Types of `@recgate/web/react`: React bindings over the Gate of `@recgate/web`.
// React (>= 18) is a peer dependency of this entry only.

import type { ReactElement, ReactNode } from 'react';
import type { Controls, Gate, Now, Permission, Policy, Recording, Resource, VisibilityAttributes, Who, Why } from './index.js';

export type { Why } from './index.js';

export interface GateProviderCommon {
  /** Who is asking: the signed-in principal's id, or `{ principal, actor }`. */
  who: Who;
  /** The time every hook decides at; default: the time of each decision. */
  now?: Now;
  children?: ReactNode;
}

export type GateProviderProps = GateProviderCommon & (
  /** Your gate: the provider never frees it. */
  | { gate: Gate; policy?: never; onError?: never }
  /**
   * A policy (the principal's slice) the provider loads into a gate it owns:
   * `gate.update()` when the prop changes, freed after unmount. A failed
   * update keeps the policy in force and is given to `onError` (thrown when
   * there is none).
   */
  | { policy: Policy | string; gate?: never; onError?: (error: unknown) => void }
);

/** Gives its subtree a gate and who asks. */
export function GateProvider(props: GateProviderProps): ReactElement;

/** Options of a hook: ask as someone else, or at another time, than the provider says. */
export interface AskOptions {
  who?: Who;
  now?: Now;
}

/** The provider's gate; re-renders the caller after each `gate.update()`. */
export function useGate(): Gate;
/** Who the provider says is asking. */
export function useWho(): Who;
/** `gate.why(who, permission, resource, now)`. */
export function useCan(permission: Permission, resource: Resource, options?: AskOptions): Why;
/** `gate.controls(who, recording, now)`. */
export function useControls(recording: Recording, options?: AskOptions): Controls;
/** `gate.visible(who, rows, now)`: the rows the user may see, in order (the same objects). */
export function useVisible<R extends VisibilityAttributes>(rows: readonly R[], options?: AskOptions): R[];

export interface CanProps extends AskOptions {
  permission: Permission;
  resource: Resource;
  /** A render prop given the decision, or what to render when allowed. */
  children?: ReactNode | ((result: Why) => ReactNode);
  /** What to render when denied and `children` is not a function (default: nothing). */
  fallback?: ReactNode;
}

/** Renders `children(result)`, or the children when allowed and `fallback` when not. */
export function Can(props: CanProps): ReactElement | null;
