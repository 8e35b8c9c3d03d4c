# Writes tests/vectors/resources.json: how resources are read (docs/policy.md,
# "Decided here"): members recgate does not read are ignored, near-misses of a
# field it reads are invalid_request, and a recording inside an annotation may
# say "type": "recording" (SPEC §2) and nothing else. The request itself stays
# strict. Expectations are written by hand from those rules.
# Run from the repository root: python3 tests/vectors/src/resources.py
import json
NOW="2026-11-22T12:00:00Z"
policy={"schema":"recgate/v1","revision":"resources-1",
 "settings":{"retentionDays":{"screen":30,"default":365}},
 "queues":{"q1":{"members":["quinn"]}},
 "roles":{"qa":{"grants":[{"permission":p} for p in ["recording:recording:view","recording:recording:delete","recording:recording:download","recording:annotation:view","recording:annotation:add","routing:queue:view","directory:user:view","analytics:reportingData:view"]]},
          "eu-viewer":{"grants":[{"permission":"recording:recording:view"}]}},
 "users":{"quinn":{"roles":[{"role":"qa"}]},"erin":{"region":"eu-west-1","roles":[{"role":"eu-viewer"}]}}}
def rec(**kw):
    r={"type":"recording","id":"rec-1","media":"audio","owner":"quinn","createdAt":"2026-11-20T09:00:00Z"}
    r.update(kw); return r
def nested(**kw):
    r={"id":"rec-1","media":"audio","owner":"quinn","createdAt":"2026-11-20T09:00:00Z"}
    r.update(kw); return r
cases=[]
def case(name, perm, resource, allow, reason, principal="quinn"):
    cases.append({"name":name,"request":{"principal":principal,"permission":perm,"resource":resource,"now":NOW},"expect":{"allow":allow,"reason":reason}})
# Fields recgate does not read are ignored.
case("ignored: a recordings API entity with its title, duration and details","recording:recording:view",rec(title="Billing call",durationSec=184,details={"customer":"ACME","tags":["vip"]},url="https://example.invalid/r/1"),True,"allow")
case("ignored: a spread row, type after the fields","recording:recording:view",{"id":"rec-1","title":"Billing call","media":"audio","owner":"quinn","createdAt":"2026-11-20T09:00:00Z","type":"recording"},True,"allow")
case("ignored: extra fields never change a delete","recording:recording:delete",rec(notes="ok to delete",archived=False),True,"allow")
case("ignored: the real legalHold beside an extra field still refuses the delete","recording:recording:delete",rec(legalHold=True,title="Held call"),False,"legal_hold")
case("ignored: a field of another name that only looks related (holdReason)","recording:recording:delete",rec(holdReason="none"),True,"allow")
case("ignored: a queue entity with its name","routing:queue:view",{"type":"queue","id":"q1","name":"Support US","members":12},True,"allow")
case("ignored: a user entity with its name","directory:user:view",{"type":"user","id":"quinn","name":"Quinn QA","email":"q@example.invalid"},True,"allow")
case("ignored: a report row with its figures","analytics:reportingData:view",{"type":"report","user":"quinn","queue":"q1","handled":42},True,"allow")
case("ignored: a bookmark entity with its text and position","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","text":"check this","at":12.5,"recording":nested()},True,"allow")
case("ignored: a nested recording with its title","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":nested(title="Billing call",durationSec=184)},True,"allow")
# Near-misses of a recgate field are invalid_request.
case("near-miss: legalhold (case) does not become an allowed delete","recording:recording:delete",rec(legalhold=True),False,"invalid_request")
case("near-miss: LegalHold (case)","recording:recording:delete",rec(LegalHold=True),False,"invalid_request")
case("near-miss: legal_hold","recording:recording:delete",rec(legal_hold=True),False,"invalid_request")
case("near-miss: lgealHold (two letters swapped)","recording:recording:delete",rec(lgealHold=True),False,"invalid_request")
case("near-miss: sensitve (one letter missing) on a download","recording:recording:download",rec(sensitve=True),False,"invalid_request")
case("near-miss: Region does not leave the recording in the home region","recording:recording:view",rec(Region="eu-west-1"),False,"invalid_request",principal="erin")
case("near-miss: retentiondays","recording:recording:view",rec(retentiondays=1),False,"invalid_request")
case("near-miss: medai","recording:recording:view",rec(medai="screen"),False,"invalid_request")
case("near-miss: in a nested recording","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":nested(legalhold=True)},False,"invalid_request")
case("near-miss: Visibility of an annotation","recording:annotation:view",{"type":"annotation","id":"a1","author":"someone","Visibility":"private","recording":nested()},False,"invalid_request")
case("near-miss: User of a report","analytics:reportingData:view",{"type":"report","User":"quinn"},False,"invalid_request")
case("near-miss: ID of a queue","routing:queue:view",{"type":"queue","ID":"q1"},False,"invalid_request")
case("the region spelt right decides","recording:recording:view",rec(region="eu-west-1"),True,"allow",principal="erin")
# A nested recording may say "type": "recording"; any other type is invalid.
case("nested type: a recording resource copied into an annotation","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":rec()},True,"allow")
case("nested type: recording, given last","recording:annotation:add",{"type":"annotation","id":"a1","author":"quinn","recording":dict(nested(),type="recording")},True,"allow")
case("nested type: annotation is invalid","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":dict(nested(),type="annotation")},False,"invalid_request")
case("nested type: a media name is invalid","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":dict(nested(),type="screen")},False,"invalid_request")
case("nested type: not a string is invalid","recording:annotation:view",{"type":"annotation","id":"a1","author":"quinn","recording":dict(nested(),type=1)},False,"invalid_request")
# The request itself stays strict.
cases.append({"name":"the request stays strict: a misspelt actor","request":{"principal":"quinn","acter":"svc","permission":"recording:recording:view","resource":rec(),"now":NOW},"expect":{"allow":False,"reason":"invalid_request"}})
cases.append({"name":"the request stays strict: any unknown member","request":{"principal":"quinn","permission":"recording:recording:view","resource":rec(),"now":NOW,"traceId":"t-1"},"expect":{"allow":False,"reason":"invalid_request"}})
out={"vectors":[{"name":"resources: fields recgate does not read are ignored, near-misses are refused, a nested recording may say its type","policy":policy,"cases":cases,"slices":["quinn","erin"]}]}
json.dump(out, open("tests/vectors/resources.json","w"), indent=1)
print(len(cases))
