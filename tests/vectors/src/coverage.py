# Writes tests/vectors/coverage.json: every SPEC §2 scope × resource cell and every
# SPEC §3 step and reason code, with expectations derived by hand from the SPEC.
# Run from the repository root: python3 tests/vectors/src/coverage.py
import json
NOW="2026-11-22T12:00:00Z"
S={"all":"all","self":"self","assigned":"assigned","lines":"lines","group":{"group":"g1"},"view":{"view":"v1"}}
roles={}
for k,sc in S.items():
    roles[f"scope-{k}"]={"grants":[{"permission":p,"scope":sc} for p in ["recording:recording:view","recording:annotation:view","routing:queue:view","directory:user:view","analytics:reportingData:view","authorization:role:view","recording:retentionPolicy:view"]]}
power=["recording:recording:*","recording:screenRecording:*","recording:annotation:*","recording:metadata:view","recording:deletionProtection:*","conversation:*:*"]
roles["power"]={"grants":[{"permission":p} for p in power]}
roles["no-delete"]={"denies":[{"permission":"recording:*:delete"}]}
roles["annotator"]={"grants":[{"permission":"recording:annotation:add"},{"permission":"recording:recording:view"}]}
roles["inbound-only"]={"grants":[{"permission":"recording:recording:view","when":{"directions":["inbound"]}}]}
roles["queue-cond"]={"grants":[{"permission":"recording:recording:view","when":{"queues":["q1"],"media":["audio"]}}]}
roles["auditor"]={"grants":[{"permission":"recording:metadata:view","crossRegion":True}]}
roles["downloader"]={"grants":[{"permission":"recording:recording:view"},{"permission":"recording:recording:download"}]}
roles["downloader-meta"]={"grants":[{"permission":"recording:metadata:view"}]}
roles["monitor-only"]={"grants":[{"permission":"conversation:call:monitor"},{"permission":"recording:annotation:view"}]}
roles["impersonator"]={"grants":[{"permission":"directory:user:impersonate","scope":{"group":"g1"}}]}
users={
 "alice":{"roles":[{"role":"annotator"}]}, "bob":{}, "carol":{}, "zoe":{},
 "bpo1":{"bpo":True,"roles":[{"role":"power","divisions":["*"]}]},
 "eu1":{"region":"eu-west-1"},
 "svc":{"kind":"service","roles":[{"role":"impersonator","divisions":["*"]}]},
 "svc2":{"kind":"service"},
 "off":{"disabled":True,"roles":[{"role":"power"}]},
 "power":{"roles":[{"role":"power","divisions":["*"]}]},
 "limited":{"roles":[{"role":"power","divisions":["*"]},{"role":"no-delete"}]},
 "divuser":{"roles":[{"role":"power","divisions":["d1"]}]},
 "inbound":{"roles":[{"role":"inbound-only"},{"role":"queue-cond"}]},
 "audit":{"roles":[{"role":"auditor","divisions":["*"]}]},
 "audit-bpo":{"bpo":True,"roles":[{"role":"auditor","divisions":["*"]}]},
 "dl":{"roles":[{"role":"downloader"}]},
 "dl2":{"roles":[{"role":"downloader"},{"role":"downloader-meta"}]},
 "mon":{"roles":[{"role":"monitor-only"}]},
}
for k in S: users[f"u-{k}"]={"roles":[{"role":f"scope-{k}","divisions":["*"]}]}
users["u-lines"]["lines"]=["L1"]
doc={"schema":"recgate/v1","revision":"cov-1","settings":{"retentionDays":{"screen":30,"default":365}},
 "divisions":{"home":{},"d1":{}},
 "groups":{"g1":{"members":["alice","bob","u-group","eu1","svc2"]},"gb":{"members":["bpo1"],"bpo":True}},
 "queues":{"q1":{"members":["u-assigned","alice"],"groups":["g1"]},"q2":{"division":"d1","members":["bob"]}},
 "views":{"v1":{"queues":["q1"],"users":["carol"],"groups":["gb"]}},
 "roles":roles,"users":users,
 "prerequisites":{"recording:recording:download":["recording:metadata:view"]}}
cases=[]
def case(name, principal, perm, res, allow, reason, obligations=None, actor=None, now=NOW):
    r={"principal":principal,"permission":perm,"resource":res,"now":now}
    if actor: r["actor"]=actor
    e={"allow":allow,"reason":reason}
    if obligations is not None: e["obligations"]=obligations
    cases.append({"name":name,"request":r,"expect":e})
def rec(**kw):
    r={"type":"recording","id":kw.pop("id","rec-1"),"media":"audio","direction":"inbound","createdAt":"2026-11-20T09:00:00Z"}
    r.update(kw); return r
def ann(recording, **kw):
    recording=dict(recording); recording.pop("type")
    a={"type":"annotation","id":"ann-1","author":"zoe","visibility":"public","recording":recording}; a.update(kw); return a
# Scope x resource table.
yes_rec={"all":rec(owner="zoe"),"self":rec(owner="u-self"),"assigned":rec(owner="zoe",participants=["u-assigned"]),"lines":rec(owner="zoe",line="L1"),"group":rec(owner="alice"),"view":rec(owner="zoe",queue="q1")}
no_rec=rec(owner="zoe",queue="q2",line="L9",participants=["bob"])
yes_queue={"all":"q2","assigned":"q1","group":"q1","view":"q1"}
yes_user={"all":"zoe","self":"u-self","assigned":"u-assigned","group":"alice","view":"carol"}
yes_report={"all":{"user":"zoe"},"self":{"user":"u-self"},"assigned":{"user":"u-assigned"},"group":{"user":"alice"},"view":{"queue":"q1"}}
for k in S:
    u=f"u-{k}"
    case(f"scope {k} on a recording: in scope", u, "recording:recording:view", yes_rec[k], True, "allow")
    if k!="all": case(f"scope {k} on a recording: out of scope", u, "recording:recording:view", no_rec, False, "out_of_scope")
    case(f"scope {k} on an annotation (by its recording): in scope", u, "recording:annotation:view", ann(yes_rec[k]), True, "allow")
    if k!="all": case(f"scope {k} on an annotation: out of scope", u, "recording:annotation:view", ann(no_rec), False, "out_of_scope")
    if k in yes_queue: case(f"scope {k} on a queue: in scope", u, "routing:queue:view", {"type":"queue","id":yes_queue[k]}, True, "allow")
    if k!="all": case(f"scope {k} on a queue: out of scope", u, "routing:queue:view", {"type":"queue","id":"q2"}, False, "out_of_scope")
    if k in yes_user: case(f"scope {k} on a user: in scope", u, "directory:user:view", {"type":"user","id":yes_user[k].replace("u-self",u).replace("u-assigned",u)}, True, "allow")
    if k!="all": case(f"scope {k} on a user: out of scope", u, "directory:user:view", {"type":"user","id":"zoe"}, False, "out_of_scope")
    if k in yes_report:
        rp=dict(yes_report[k]); rp["type"]="report"
        if rp.get("user") in ("u-self","u-assigned"): rp["user"]=u
        case(f"scope {k} on a report: in scope", u, "analytics:reportingData:view", rp, True, "allow")
    if k!="all": case(f"scope {k} on a report: out of scope", u, "analytics:reportingData:view", {"type":"report","user":"zoe","queue":"q2"}, False, "out_of_scope")
    case(f"scope {k} on a role", u, "authorization:role:view", {"type":"role","id":"r"}, k=="all", "allow" if k=="all" else "out_of_scope")
    case(f"scope {k} on a schedule", u, "recording:retentionPolicy:view", {"type":"schedule","id":"s"}, k=="all", "allow" if k=="all" else "out_of_scope")
# view scope through the view's groups
case("scope view on a user through the view's groups", "u-view", "directory:user:view", {"type":"user","id":"bpo1"}, True, "allow")
case("scope view on a recording through the view's users", "u-view", "recording:recording:view", rec(owner="carol"), True, "allow")
case("scope group on a queue the group is attached to", "u-group", "routing:queue:view", {"type":"queue","id":"q1"}, True, "allow")
# Step 1
case("invalid_request: unknown permission", "power", "recording:recording:play", rec(), False, "invalid_request")
case("invalid_request: a pattern is not a request permission", "power", "recording:*:view", rec(), False, "invalid_request")
case("invalid_request: screen permission on a call", "power", "recording:screenRecording:view", rec(), False, "invalid_request")
case("invalid_request: call permission on a screen recording", "power", "recording:recording:view", rec(media="screen"), False, "invalid_request")
case("invalid_request: live monitoring of a finished call", "power", "conversation:call:monitor", rec(), False, "invalid_request")
case("invalid_request: a queue permission on a user", "power", "routing:queue:view", {"type":"user","id":"zoe"}, False, "invalid_request")
r=rec(); r["legalhold"]=True
case("invalid_request: a near-miss of a resource field", "power", "recording:recording:delete", r, False, "invalid_request")
cases.append({"name":"invalid_request: a misspelt actor field","request":{"principal":"alice","acter":"svc","permission":"recording:recording:view","resource":rec(),"now":NOW},"expect":{"allow":False,"reason":"invalid_request"}})
cases.append({"name":"invalid_request: no now","request":{"principal":"power","permission":"recording:recording:view","resource":rec()},"expect":{"allow":False,"reason":"invalid_request"}})
case("invalid_request: an unparseable now", "power", "recording:recording:view", rec(), False, "invalid_request", now="22/11/2026")
# Step 2
case("unknown_principal", "ghost", "recording:recording:view", rec(), False, "unknown_principal")
case("unknown_principal: unknown actor", "alice", "recording:recording:view", rec(), False, "unknown_principal", actor="ghost")
case("principal_disabled", "off", "recording:recording:view", rec(), False, "principal_disabled")
case("principal_disabled before unknown_resource", "off", "routing:queue:view", {"type":"queue","id":"q9"}, False, "principal_disabled")
case("unknown_resource: queue", "power", "routing:queue:view", {"type":"queue","id":"q9"}, False, "unknown_resource")
case("unknown_resource: user", "power", "directory:user:view", {"type":"user","id":"ghost"}, False, "unknown_resource")
case("unknown_resource: report user", "power", "analytics:reportingData:view", {"type":"report","user":"ghost"}, False, "unknown_resource")
# Step 3
case("impersonation allowed within the group: the principal's roles decide", "alice", "recording:recording:view", rec(owner="zoe"), True, "allow", actor="svc")
case("impersonation_denied: principal outside the actor's scope", "zoe", "directory:user:view", {"type":"user","id":"zoe"}, False, "impersonation_denied", actor="svc")
case("impersonation_denied: a service account cannot be impersonated", "svc2", "directory:user:view", {"type":"user","id":"svc2"}, False, "impersonation_denied", actor="svc")
case("impersonation_denied: another region", "eu1", "directory:user:view", {"type":"user","id":"eu1"}, False, "impersonation_denied", actor="svc")
case("impersonation_denied: an actor without the permission", "bob", "directory:user:view", {"type":"user","id":"bob"}, False, "impersonation_denied", actor="alice")
# Step 4
case("expired: screen recording past 30 days", "power", "recording:screenRecording:view", rec(media="screen",createdAt="2026-10-01T09:00:00Z"), False, "expired")
case("expired: at exactly the boundary", "power", "recording:screenRecording:view", rec(media="screen",createdAt="2026-10-23T12:00:00Z"), False, "expired")
case("not expired: one second before the boundary", "power", "recording:screenRecording:view", rec(media="screen",createdAt="2026-10-23T12:00:01Z"), True, "allow")
case("expired: per-recording retention overrides settings", "power", "recording:recording:view", rec(retentionDays=1), False, "expired")
case("legal hold never expires", "power", "recording:screenRecording:view", rec(media="screen",createdAt="2025-01-01T00:00:00Z",legalHold=True), True, "allow")
case("no createdAt: never expired", "power", "recording:recording:view", {"type":"recording","id":"r","media":"audio"}, True, "allow")
# Step 5
for p in ["recording:recording:delete","recording:recording:editRetention","recording:recording:blackout"]:
    case(f"legal_hold refuses {p}", "power", p, rec(legalHold=True), False, "legal_hold")
case("legal_hold refuses a screen recording delete", "power", "recording:screenRecording:delete", rec(media="screen",legalHold=True), False, "legal_hold")
case("legal hold does not stop playing", "power", "recording:recording:view", rec(legalHold=True), True, "allow")
case("legal hold does not affect annotations", "power", "recording:annotation:delete", ann(rec(legalHold=True)), True, "allow")
case("legal hold can be revoked", "power", "recording:deletionProtection:revoke", rec(legalHold=True), True, "allow")
# Step 6
case("private_annotation: someone else's private bookmark", "power", "recording:annotation:view", ann(rec(),visibility="private",author="alice"), False, "private_annotation")
case("an author passes the private check but still needs a view grant", "alice", "recording:annotation:view", ann(rec(),visibility="private",author="alice"), False, "no_permission")
case("own annotation: edit is evaluated as add", "alice", "recording:annotation:edit", ann(rec(),author="alice"), True, "allow")
case("own annotation: delete is evaluated as add", "alice", "recording:annotation:delete", ann(rec(),author="alice",visibility="private"), True, "allow")
case("someone else's annotation: edit needs edit", "alice", "recording:annotation:edit", ann(rec(),author="zoe"), False, "no_permission")
# Step 7
case("denied: a deny overrides every grant", "limited", "recording:recording:delete", rec(), False, "denied")
case("denied before out_of_division", "limited", "recording:annotation:delete", ann(rec(divisions=["nowhere"])), False, "denied")
case("a deny of delete leaves viewing alone", "limited", "recording:recording:view", rec(), True, "allow")
# Step 8
case("no_permission", "alice", "routing:queue:view", {"type":"queue","id":"q1"}, False, "no_permission")
case("out_of_division", "divuser", "recording:recording:view", rec(divisions=["home"]), False, "out_of_division")
case("in division", "divuser", "recording:recording:view", rec(divisions=["home","d1"]), True, "allow")
case("out_of_division: default divisions are home", "divuser", "recording:recording:view", rec(), False, "out_of_division")
case("condition_unmet: outbound call", "inbound", "recording:recording:view", rec(direction="outbound",queue="q2"), False, "condition_unmet")
case("condition_unmet: absent direction", "inbound", "recording:recording:view", {"type":"recording","id":"r","media":"audio","queue":"q2"}, False, "condition_unmet")
case("when queues and media: any grant passing is enough", "inbound", "recording:recording:view", rec(direction="outbound",queue="q1"), True, "allow")
case("condition_unmet: media not in the list", "inbound", "recording:recording:view", rec(direction="outbound",queue="q1",media="chat"), False, "condition_unmet")
# Step 9
case("region: media in another region", "power", "recording:recording:view", rec(region="eu-west-1"), False, "region")
case("cross-region metadata for an auditor", "audit", "recording:metadata:view", rec(region="eu-west-1"), True, "allow")
case("region: crossRegion is not for BPO users", "audit-bpo", "recording:metadata:view", rec(region="eu-west-1"), False, "region")
case("no queue grant: no_permission", "power", "routing:queue:view", {"type":"queue","id":"q1"}, False, "no_permission")
case("region: a user in another region", "u-all", "directory:user:view", {"type":"user","id":"eu1"}, False, "region")
case("queues have no region", "u-all", "routing:queue:view", {"type":"queue","id":"q2"}, True, "allow")
# Step 10
case("prerequisite_missing: download needs metadata view", "dl", "recording:recording:download", rec(), False, "prerequisite_missing")
case("prerequisite met", "dl2", "recording:recording:download", rec(), True, "allow")
# Step 11
case("no_access: monitoring needs the call's view permission", "mon", "conversation:call:monitor", rec(live=True), False, "no_access")
case("no_access: annotations need access to their recording", "mon", "recording:annotation:view", ann(rec()), False, "no_access")
case("metadata needs no media access", "audit", "recording:metadata:view", rec(), True, "allow")
# Step 12
case("bpo_restricted: BPO users cannot export", "bpo1", "recording:recording:download", rec(), False, "bpo_restricted")
case("sensitive: download without viewSensitiveData", "dl2", "recording:recording:download", rec(sensitive=True), False, "sensitive")
case("sensitive download with viewSensitiveData", "power", "recording:recording:download", rec(sensitive=True), True, "allow", [])
# Step 13
case("allow with redact: sensitive playback without viewSensitiveData", "dl2", "recording:recording:view", rec(sensitive=True), True, "allow", [{"type":"redact"}])
case("no redact with viewSensitiveData", "power", "recording:recording:view", rec(sensitive=True), True, "allow", [])
case("allow with cascade: deleting a call deletes its related recordings", "power", "recording:recording:delete", rec(related=["scr-1","tr-1"]), True, "allow", [{"type":"cascade","ids":["scr-1","tr-1"]}])
case("no cascade without related recordings", "power", "recording:recording:delete", rec(), True, "allow", [])
case("no cascade on a screen recording delete", "power", "recording:screenRecording:delete", rec(media="screen",related=["x"]), True, "allow", [])
json.dump({"policy":doc,"cases":cases,"slices":["u-view","svc","alice","dl2"]}, open("tests/vectors/coverage.json","w"), indent=1)
print(len(cases))
