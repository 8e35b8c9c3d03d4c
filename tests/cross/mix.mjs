// What a generated corpus exercised, and the floors below which agreement
// on it would prove little (issue #18): a share of allows, a ceiling on
// invalid requests, every reason code of the core (SPEC §3) a number of
// times, both obligations, and impersonation. The edge-only codes of SPEC §4
// (token_*, session_revoked, route_unknown, resource_unavailable) are not
// the core's: the edge differential and the hand-written edge suites own them.

import { isDeepStrictEqual } from 'node:util';

/** The reason codes the core decides (SPEC §3), `allow` included. */
export const CORE_REASONS = [
  'allow', 'invalid_request', 'unknown_principal', 'principal_disabled', 'unknown_resource',
  'impersonation_denied', 'expired', 'legal_hold', 'private_annotation', 'denied', 'no_permission',
  'out_of_division', 'out_of_scope', 'condition_unmet', 'region', 'prerequisite_missing', 'no_access',
  'bpo_restricted', 'sensitive',
];

/** The floors of issue #18 for the native ↔ npm differential. */
export const CROSS_FLOORS = {
  requests: 10_000,
  maxInvalidShare: 0.10,
  minAllowShare: 0.25,
  perReason: 20,
  perObligation: 200,
  impersonating: 500,
};

/** Counts decisions: reasons, obligations, impersonation. */
export class Histogram {
  constructor() {
    this.total = 0;
    this.reasons = new Map();
    this.obligations = new Map();
    this.impersonating = 0;
  }

  add(request, decision) {
    this.total += 1;
    this.reasons.set(decision.reason, (this.reasons.get(decision.reason) ?? 0) + 1);
    for (const o of decision.obligations ?? []) {
      this.obligations.set(o.type, (this.obligations.get(o.type) ?? 0) + 1);
    }
    if (request && typeof request === 'object' && typeof request.actor === 'string' && request.actor !== request.principal) {
      this.impersonating += 1;
    }
  }

  count(reason) {
    return this.reasons.get(reason) ?? 0;
  }

  toJSON() {
    const reasons = Object.fromEntries([...this.reasons].sort((a, b) => b[1] - a[1]));
    return { total: this.total, reasons, obligations: Object.fromEntries(this.obligations), impersonating: this.impersonating };
  }

  /** Every way the histogram falls short of `floors`, in words; empty when it meets them all. */
  shortfalls(floors = CROSS_FLOORS, reasons = CORE_REASONS) {
    const out = [];
    const share = (n) => (this.total === 0 ? 0 : n / this.total);
    if (this.total < floors.requests) out.push(`${this.total} requests < ${floors.requests}`);
    const invalid = share(this.count('invalid_request'));
    if (invalid > floors.maxInvalidShare) out.push(`invalid_request ${(100 * invalid).toFixed(1)} % > ${100 * floors.maxInvalidShare} %`);
    const allow = share(this.count('allow'));
    if (allow < floors.minAllowShare) out.push(`allow ${(100 * allow).toFixed(1)} % < ${100 * floors.minAllowShare} %`);
    for (const r of reasons) {
      if (this.count(r) < floors.perReason) out.push(`${r} ${this.count(r)} < ${floors.perReason}`);
    }
    for (const o of ['redact', 'cascade']) {
      const n = this.obligations.get(o) ?? 0;
      if (n < floors.perObligation) out.push(`obligation ${o} ${n} < ${floors.perObligation}`);
    }
    if (this.impersonating < floors.impersonating) out.push(`impersonating ${this.impersonating} < ${floors.impersonating}`);
    return out;
  }
}

/**
 * Whether a slice's decision is the full policy's (SPEC §5): allow and
 * obligations identical, the reason too — except that where the full policy
 * denies, the slice may say `unknown_resource` / `unknown_principal` for what
 * it deliberately leaves out (non-disclosure).
 */
export function sliceAgrees(full, slice) {
  const sameReason = slice.reason === full.reason
    || (!full.allow && (slice.reason === 'unknown_resource' || slice.reason === 'unknown_principal'));
  return slice.allow === full.allow && sameReason
    && isDeepStrictEqual(slice.obligations ?? [], full.obligations ?? []);
}
