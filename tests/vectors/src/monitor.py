# Writes tests/vectors/monitor.json: live monitoring (issue #20) as the core
# decides it on the seed organisation (examples/acme.json). A monitor request
# is `conversation:call:monitor` on the live interaction as a recording
# resource (SPEC §6: it applies to recordings with live: true); watching a
# screen is the same on the interaction with media "screen", so SPEC §3 step
# 11 asks for recording:screenRecording:view too; an agent's screen across
# interactions is their desktop as the policy knows them, in no queue
# (docs/policy.md "Live monitoring"). Expectations are written by hand from
# those rules. Run from the repository root: python3 tests/vectors/src/monitor.py
import copy
import json
NOW = "2026-11-22T12:00:00Z"
acme = json.load(open("examples/acme.json"))

def live(**kw):
    r = {"type": "recording", "id": "c-live", "conversationId": "c-live", "media": "audio", "direction": "inbound",
         "owner": "a-us-1", "participants": ["a-us-1"], "queue": "q-us", "divisions": ["home"], "region": "us-east-1", "live": True}
    r.update(kw)
    return r

def uk(**kw):
    return live(**dict({"owner": "a-uk-1", "participants": ["a-uk-1"], "queue": "q-uk"}, **kw))

def bpo(**kw):
    return live(**dict({"owner": "b-em-1", "participants": ["b-em-1"], "queue": "q-bpo", "divisions": ["bpo-emea"], "region": "eu-west-1"}, **kw))

def desktop(user, division="home", region="us-east-1"):
    # Policy::agent_desktop: the agent's screen across interactions.
    return {"type": "recording", "id": user, "media": "screen", "owner": user, "participants": [user],
            "divisions": [division], "region": region, "live": True}

def cases_of(rows):
    out = []
    for name, principal, resource, allow, reason, *actor in rows:
        req = {"principal": principal, "permission": "conversation:call:monitor", "resource": resource, "now": NOW}
        if actor:
            req["actor"] = actor[0]
        out.append({"name": name, "request": req, "expect": {"allow": allow, "reason": reason, "obligations": [] if allow else None}})
    for c in out:
        if c["expect"]["obligations"] is None:
            del c["expect"]["obligations"]
    return out

seed = cases_of([
    ("sup-us listens in on a live Support-US call", "sup-us", live(), True, "allow"),
    ("sup-us: an outbound Support-US call too (the grant has no direction)", "sup-us", live(direction="outbound"), True, "allow"),
    ("sup-us follows a live Support-US messaging conversation", "sup-us", live(media="messaging"), True, "allow"),
    ("sup-us may not monitor Support-UK (their monitor grant is Support-US)", "sup-us", uk(), False, "out_of_scope"),
    ("an ended conversation: monitoring does not apply (the edge says conversation_ended)", "sup-us", live(live=False), False, "invalid_request"),
    ("a conversation the facts do not say is live is not live", "sup-us", {k: v for k, v in live().items() if k != "live"}, False, "invalid_request"),
    ("sup-us may not watch a Support-US screen: no screen-recording view (step 11)", "sup-us", live(media="screen"), False, "no_access"),
    ("sup-us may not watch a Support-US agent's screen across interactions either", "sup-us", desktop("a-us-1"), False, "no_access"),
    ("the BPO supervisor monitors a live call in the BPO queue view", "bsup-1", bpo(), True, "allow"),
    ("the BPO supervisor: not an internal call (their roles are assigned in bpo-emea)", "bsup-1", live(), False, "out_of_division"),
    ("the BPO supervisor: a BPO agent's call outside the queue view", "bsup-1", bpo(queue=None), False, "out_of_scope"),
    ("the BPO supervisor: a BPO agent's screen across interactions is in no queue", "bsup-1", desktop("b-em-1", "bpo-emea", "eu-west-1"), False, "out_of_scope"),
    ("the BPO supervisor: a BPO call served from another region", "bsup-1", bpo(region="us-east-1"), False, "region"),
    ("agents do not monitor", "a-us-2", live(), False, "no_permission"),
    ("QA analysts do not monitor", "qa-1", live(), False, "no_permission"),
    ("a disabled account monitors nothing", "gone-1", live(), False, "principal_disabled"),
    ("impersonation: the BPO integration may not act for the BPO supervisor (not in its group)", "bsup-1", bpo(), False, "impersonation_denied", "svc-bpo"),
    ("impersonation: acting for a BPO agent, who does not monitor", "b-em-1", bpo(), False, "no_permission", "svc-bpo"),
    ("impersonation: the US integration may not act for sup-us", "sup-us", live(), False, "impersonation_denied", "svc-us"),
])
for c in seed:
    r = c["request"]["resource"]
    if r.get("queue", "") is None:
        del r["queue"]

screens = copy.deepcopy(acme)
screens["revision"] = "acme-screen-supervisors"
screens["roles"]["internal-supervisor"]["grants"].append({"permission": "recording:screenRecording:view", "scope": {"group": "support-us"}})
screen_cases = cases_of([
    ("with screen-recording view on Support-US, sup-us watches the agent's screen during a live call", "sup-us", live(media="screen"), True, "allow"),
    ("and the agent's screen across interactions", "sup-us", desktop("a-us-1"), True, "allow"),
    ("not a Support-UK agent's screen", "sup-us", desktop("a-uk-1"), False, "out_of_scope"),
    ("not a Support-UK call's screen", "sup-us", uk(media="screen"), False, "out_of_scope"),
    ("an ended call's screen is not live either", "sup-us", live(media="screen", live=False), False, "invalid_request"),
])
out = {"vectors": [
    {"name": "live monitoring on the seed organisation: conversation:call:monitor on the live interaction, in the supervisor's scope; screens need the screen-recording view rules",
     "policy": acme, "cases": seed, "slices": ["sup-us", "bsup-1", "svc-bpo"]},
    {"name": "live monitoring: a supervisor who may also view Support-US screen recordings watches those screens live",
     "policy": screens, "cases": screen_cases, "slices": ["sup-us"]},
]}
json.dump(out, open("tests/vectors/monitor.json", "w"), indent=1)
print(len(seed) + len(screen_cases))
