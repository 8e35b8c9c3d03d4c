# Writes tests/vectors/slices.json: a principal slice says where it came from
# (docs/policy.md, "Slices"): `sliceOf` { principal, revisionHash } is accepted
# on every target, changes no decision, and is checked when loaded (the
# principal one of the document's users, the hash 64 lowercase hex digits).
# Expectations are written by hand from those rules.
# Run from the repository root: python3 tests/vectors/src/slices.py
import json
NOW="2026-11-22T12:00:00Z"
HASH="92463ae129057f98694278c26d6c679b0098846fef994d956e67f42da6b55f82"
def policy(**extra):
    p={"schema":"recgate/v1","revision":"slices-1",
       "roles":{"qa":{"grants":[{"permission":"recording:recording:view","scope":"self"},{"permission":"recording:recording:delete","scope":"self"}]}},
       "users":{"quinn":{"roles":[{"role":"qa"}]},"avery":{}}}
    p.update(extra); return p
def rec(owner, **kw):
    r={"type":"recording","id":"rec-1","media":"audio","owner":owner,"createdAt":"2026-11-20T09:00:00Z"}
    r.update(kw); return r
def case(name, perm, resource, allow, reason):
    return {"name":name,"request":{"principal":"quinn","permission":perm,"resource":resource,"now":NOW},"expect":{"allow":allow,"reason":reason}}
cases=[
    case("a slice decides as any policy: its own recording","recording:recording:view",rec("quinn"),True,"allow"),
    case("a slice decides as any policy: someone else's","recording:recording:view",rec("avery"),False,"out_of_scope"),
    case("a slice decides as any policy: legal hold","recording:recording:delete",rec("quinn",legalHold=True),False,"legal_hold"),
]
vectors=[
    {"name":"sliceOf names the principal and the whole policy's hash: accepted, no decision changes",
     "policy":policy(sliceOf={"principal":"quinn","revisionHash":HASH}),"cases":cases,"slices":["quinn"]},
    {"name":"the same policy without sliceOf decides the same","policy":policy(),"cases":cases},
    {"name":"sliceOf: the principal must be one of the slice's users",
     "policy":policy(sliceOf={"principal":"nobody","revisionHash":HASH}),"errors":["/sliceOf/principal"]},
    {"name":"sliceOf: the hash must be 64 lowercase hex digits",
     "policy":policy(sliceOf={"principal":"quinn","revisionHash":HASH.upper()}),"errors":["/sliceOf/revisionHash"]},
    {"name":"sliceOf: both members are required, nothing else is allowed",
     "policy":policy(sliceOf={"principal":"quinn","source":"acme"}),"errors":["/sliceOf/revisionHash","/sliceOf/source"]},
]
with open("tests/vectors/slices.json","w") as f:
    json.dump({"vectors":vectors},f,indent=1)
    f.write("\n")
