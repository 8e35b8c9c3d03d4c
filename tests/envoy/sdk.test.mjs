// The official Genesys Cloud JavaScript SDK (purecloud-platform-client-v2
// 262.0.0) as the client, pointed at real Envoy with ApiClient.setGateway —
// how the SDK is meant to be used behind a gateway — with access tokens from
// the test issuer. For each decided RecordingApi endpoint: principals of
// examples/acme.json that must be allowed and refused, with the status, the
// body and what the upstream API received. Bulk jobs, retention policies,
// settings and screen sessions also run against a single-region variant of
// acme with a records-admin role (acme has two regions and no job rights, so
// nobody there is unrestricted — which is checked too).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import platformClient from 'purecloud-platform-client-v2';

import { makeIssuer } from './lib/jwt.mjs';
import { outcome, refusedBy } from './lib/sdk.mjs';
import { startUpstream, startAttributes, fixtures } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';

const acme = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();

/** acme in one region, with a role for bulk jobs, retention policies and recording settings. */
function recordsOrg() {
  const p = JSON.parse(JSON.stringify(acme));
  p.revision = 'acme-records-admin';
  for (const u of Object.values(p.users)) delete u.region;
  p.roles['records-admin'] = { name: 'Records admin', grants: ['recording:job:*', 'recording:retentionPolicy:*', 'recording:settings:*'].map((permission) => ({ permission })) };
  for (const id of ['comp-1', 'comp-2', 'sradmin-1']) p.users[id].roles.push({ role: 'records-admin', divisions: ['*'] });
  return p;
}

const edges = {};
async function edge(name, policy) {
  const data = fixtures();
  const up = await startUpstream(data);
  const attrs = await startAttributes(data);
  const envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy, attributes: { cluster: 'recgate_attributes', cacheTtlSeconds: 1 } } });
  edges[name] = { up, attrs, envoy, port: Number(new URL(envoy.url).port) };
}

before(async () => {
  await edge('acme', acme);
  await edge('records', recordsOrg());
});

after(async () => {
  for (const e of Object.values(edges)) {
    await e.envoy.stop();
    e.up.server.close();
    e.attrs.server.close();
  }
});

/** The SDK's APIs for `sub`, through the edge called `name`. */
function as(sub, name = 'acme') {
  const client = new platformClient.ApiClientClass();
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: edges[name].port });
  client.setAccessToken(idp.token({ sub }));
  client.setReturnExtendedResponses(true);
  return {
    recording: new platformClient.RecordingApi(client),
    routing: new platformClient.RoutingApi(client),
    users: new platformClient.UsersApi(client),
  };
}

const sawLast = (name, method, path) => [...edges[name].up.seen].reverse().find((s) => s.method === method && s.path === path);
const untouched = (name, method, path, since) => {
  assert.ok(!edges[name].up.seen.slice(since).some((s) => s.method === method && s.path === path), `${method} ${path} never reached the API`);
};

test('getConversationRecording: media for QA, 404 for an agent, metadata only for the auditor', async () => {
  const path = '/api/v2/conversations/c-1/recordings/rec-us-call-1';
  const qa = await outcome(as('qa-1').recording.getConversationRecording('c-1', 'rec-us-call-1'));
  assert.equal(qa.status, 200);
  assert.match(qa.body.mediaUris.S.mediaUri, /rec-us-call-1\.webm$/);
  assert.equal(sawLast('acme', 'GET', path).headers['x-recgate-principal'], 'qa-1');
  const since = edges.acme.up.seen.length;
  const agent = await outcome(as('a-us-2').recording.getConversationRecording('c-1', 'rec-us-call-1'));
  assert.equal(agent.status, 404);
  assert.equal(agent.body.reason, 'not_found');
  untouched('acme', 'GET', path, since);
  const audit = await outcome(as('audit-1').recording.getConversationRecording('c-1', 'rec-us-call-1'));
  assert.equal(audit.status, 200);
  assert.equal(audit.body.mediaUris, undefined);
  assert.equal(audit.body.id, 'rec-us-call-1');
});

test('getConversationRecording with download: the media\'s download permission, BPO export and the auditor', async () => {
  const opts = { download: true, formatId: 'MP3' };
  const path = '/api/v2/conversations/c-3/recordings/rec-bpo-call-1';
  const comp = await outcome(as('comp-2').recording.getConversationRecording('c-1', 'rec-us-call-1', opts));
  assert.equal(comp.status, 200);
  assert.match(comp.body.mediaUris.S.mediaUri, /download=1/);
  refusedBy(await outcome(as('qa-1').recording.getConversationRecording('c-1', 'rec-us-call-1', opts)), 403, 'no_permission');
  refusedBy(await outcome(as('sup-us').recording.getConversationRecording('c-1', 'rec-us-call-1', opts)), 403, 'no_permission');
  const since = edges.acme.up.seen.length;
  refusedBy(await outcome(as('b-em-1').recording.getConversationRecording('c-3', 'rec-bpo-call-1', opts)), 403, 'bpo_restricted');
  untouched('acme', 'GET', path, since);
  const own = await outcome(as('b-em-1').recording.getConversationRecording('c-3', 'rec-bpo-call-1'));
  assert.equal(own.status, 200, 'playing it is fine');
  refusedBy(await outcome(as('audit-1').recording.getConversationRecording('c-1', 'rec-us-call-1', opts)), 403, 'no_permission');
  // Impersonated by the BPO integration: still the BPO rule.
  const imp = await outcome(as('svc-bpo').recording.getConversationRecording('c-3', 'rec-bpo-call-1', { ...opts, customHeaders: { 'gen-usersubject': 'b-em-1' } }));
  refusedBy(imp, 403, 'bpo_restricted');
});

test('getConversationRecordings: the real array, each element decided on the attributes service\'s facts', async () => {
  const qa = await outcome(as('qa-1').recording.getConversationRecordings('c-1'));
  assert.equal(qa.status, 200);
  assert.deepEqual(qa.body.map((r) => r.id), ['rec-us-call-1', 'rec-us-screen-1']);
  const audit = await outcome(as('audit-1').recording.getConversationRecordings('c-3'));
  assert.deepEqual(audit.body.map((r) => [r.id, r.mediaUris]), [['rec-bpo-call-1', undefined], ['rec-bpo-call-2', undefined]]);
  const bpo = await outcome(as('b-em-1').recording.getConversationRecordings('c-3'));
  assert.deepEqual(bpo.body.map((r) => r.id), ['rec-bpo-call-1'], 'only their own');
  const agent = await outcome(as('a-us-1').recording.getConversationRecordings('c-1'));
  assert.deepEqual(agent.body, []);
});

test('recording metadata: recording:metadata:view, one or all of a conversation\'s', async () => {
  const one = await outcome(as('audit-1').recording.getConversationRecordingmetadataRecordingId('c-3', 'rec-bpo-call-2'));
  assert.equal(one.status, 200);
  assert.equal(one.body.id, 'rec-bpo-call-2');
  refusedBy(await outcome(as('qa-1').recording.getConversationRecordingmetadataRecordingId('c-1', 'rec-us-call-1')), 403, 'no_permission');
  const all = await outcome(as('audit-1').recording.getConversationRecordingmetadata('c-1'));
  assert.deepEqual(all.body.map((m) => m.id), ['rec-us-call-1', 'rec-us-screen-1']);
});

test('annotations: list, get, add, update and delete on the real Annotation model', async () => {
  const list = await outcome(as('qa-1').recording.getConversationRecordingAnnotations('c-1', 'rec-us-call-1'));
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((a) => a.id), ['ann-1']);
  refusedBy(await outcome(as('qa-1').recording.getConversationRecordingAnnotation('c-1', 'rec-us-call-1', 'ann-2')), 403, 'private_annotation');
  const add = await outcome(as('qa-1').recording.postConversationRecordingAnnotations('c-1', 'rec-us-call-1', { name: 'Good close', type: 'Bookmark', location: 5000, user: { id: 'qa-1' } }));
  assert.equal(add.status, 201);
  assert.equal(JSON.parse(sawLast('acme', 'POST', '/api/v2/conversations/c-1/recordings/rec-us-call-1/annotations').body).name, 'Good close');
  const notMine = await outcome(as('qa-1').recording.postConversationRecordingAnnotations('c-1', 'rec-us-call-1', { name: 'x', user: { id: 'sup-us' } }));
  refusedBy(notMine, 400, 'invalid_request');
  const hidden = await outcome(as('a-us-2').recording.postConversationRecordingAnnotations('c-1', 'rec-us-call-1', { name: 'x' }));
  assert.equal(hidden.status, 404);
  const edit = await outcome(as('qa-1').recording.putConversationRecordingAnnotation('c-1', 'rec-us-call-1', 'ann-1', { name: 'Greeting skipped (again)' }));
  assert.equal(edit.status, 200, 'one\'s own annotation');
  refusedBy(await outcome(as('sup-us').recording.putConversationRecordingAnnotation('c-1', 'rec-us-call-1', 'ann-1', { name: 'x' })), 403, 'no_permission');
  const del = await outcome(as('sradmin-1').recording.deleteConversationRecordingAnnotation('c-1', 'rec-us-call-1', 'ann-1'));
  assert.equal(del.status, 204);
  refusedBy(await outcome(as('sup-us').recording.deleteConversationRecordingAnnotation('c-1', 'rec-us-call-1', 'ann-1')), 403, 'no_permission');
});

test('putConversationRecording: deleteDate needs the media\'s delete, and legal hold stops it', async () => {
  const later = { deleteDate: '2026-12-24T00:00:00Z' };
  const admin = await outcome(as('sradmin-1').recording.putConversationRecording('c-1', 'rec-us-screen-1', later));
  assert.equal(admin.status, 200);
  assert.equal(JSON.parse(sawLast('acme', 'PUT', '/api/v2/conversations/c-1/recordings/rec-us-screen-1').body).deleteDate, later.deleteDate);
  refusedBy(await outcome(as('qa-1').recording.putConversationRecording('c-1', 'rec-us-screen-1', later)), 403, 'no_permission');
  refusedBy(await outcome(as('comp-2').recording.putConversationRecording('c-4', 'rec-us-held-1', later)), 403, 'legal_hold');
  refusedBy(await outcome(as('comp-1').recording.putConversationRecording('c-1', 'rec-us-call-1', later)), 403, 'denied');
  const retention = await outcome(as('comp-1').recording.putConversationRecording('c-1', 'rec-us-call-1', { archiveDate: '2027-01-01T00:00:00Z' }));
  assert.equal(retention.status, 200, 'archiveDate: recording:recording:editRetention');
  refusedBy(await outcome(as('sradmin-1').recording.putConversationRecording('c-1', 'rec-us-call-1', { archiveDate: '2027-01-01T00:00:00Z' })), 403, 'no_permission');
});

test('postRecordingBatchrequests: every item needs download; one refusal refuses the batch and names it', async () => {
  const body = { batchDownloadRequestList: [{ conversationId: 'c-1', recordingId: 'rec-us-call-1' }, { conversationId: 'c-2', recordingId: 'rec-uk-call-1' }] };
  const comp = await outcome(as('comp-2').recording.postRecordingBatchrequests(body));
  assert.equal(comp.status, 202);
  assert.ok(comp.body.id);
  const since = edges.acme.up.seen.length;
  const mixed = await outcome(as('comp-2').recording.postRecordingBatchrequests({ batchDownloadRequestList: [...body.batchDownloadRequestList, { conversationId: 'c-3', recordingId: 'rec-bpo-call-1' }] }));
  // Another region's recording is hidden from comp-2 altogether (not even its metadata).
  refusedBy(mixed, 403, 'not_found');
  assert.deepEqual(mixed.body.refused, [{ conversationId: 'c-3', recordingId: 'rec-bpo-call-1', reason: 'not_found' }]);
  const qa = await outcome(as('qa-1').recording.postRecordingBatchrequests(body));
  assert.equal(qa.status, 403);
  assert.deepEqual(qa.body.refused.map((r) => r.reason), ['no_permission', 'not_found']);
  untouched('acme', 'POST', '/api/v2/recording/batchrequests', since);
  // The results: only the items the principal may download.
  const results = await outcome(as('comp-2').recording.getRecordingBatchrequest(comp.body.id));
  assert.equal(results.status, 200);
  // Calls in comp-2's region (legal hold does not stop a download); no screens, no other region.
  assert.deepEqual(results.body.results.map((r) => r.recordingId).sort(), ['rec-uk-call-1', 'rec-us-call-1', 'rec-us-chat-1', 'rec-us-held-1', 'rec-us-pci-1']);
  assert.equal(results.body.resultCount, 5);
  const none = await outcome(as('qa-1').recording.getRecordingBatchrequest(comp.body.id));
  assert.deepEqual(none.body.results, []);
});

test('deletion protection: apply and revoke on every recording of each conversation; the query needs them visible', async () => {
  const c1 = { conversationIds: ['c-1'] };
  const apply = await outcome(as('sradmin-1').recording.putRecordingsDeletionprotection({ protect: true, body: c1 }));
  refusedBy(apply, 403, 'no_permission');
  const comp = await outcome(as('comp-2').recording.putRecordingsDeletionprotection({ protect: true, body: { conversationIds: ['c-4', 'c-5'] } }));
  assert.equal(comp.status, 200);
  // c-2 holds a screen recording, which the compliance lead may not access.
  refusedBy(await outcome(as('comp-2').recording.putRecordingsDeletionprotection({ protect: true, body: { conversationIds: ['c-2'] } })), 403, 'no_access');
  assert.equal(sawLast('acme', 'PUT', '/api/v2/recordings/deletionprotection').query, '?protect=true');
  const revoke = await outcome(as('comp-1').recording.putRecordingsDeletionprotection({ protect: false, body: { conversationIds: ['c-4'] } }));
  assert.equal(revoke.status, 200);
  const qa = await outcome(as('qa-1').recording.putRecordingsDeletionprotection({ protect: false, body: c1 }));
  assert.equal(qa.status, 403);
  assert.deepEqual(qa.body.refused.map((r) => r.recordingId), ['rec-us-call-1', 'rec-us-screen-1']);
  const query = await outcome(as('audit-1').recording.postRecordingsDeletionprotection({ conversationIds: ['c-4', 'c-1'] }));
  assert.equal(query.status, 200);
  assert.deepEqual(query.body.map((c) => c.id), ['c-4']);
  const agent = await outcome(as('a-us-1').recording.postRecordingsDeletionprotection({ conversationIds: ['c-4'] }));
  assert.equal(agent.status, 403);
  assert.deepEqual(agent.body.refused, [{ conversationId: 'c-4', recordingId: 'rec-us-held-1', reason: 'not_found' }]);
});

test('bulk jobs: only a principal unrestricted over every recording the job can touch', async () => {
  const del = { action: 'DELETE', actionDate: '2026-12-24T00:00:00Z', includeScreenRecordings: false };
  // acme: two regions and no job rights.
  refusedBy(await outcome(as('comp-2').recording.postRecordingJobs(del)), 403, 'no_permission');
  // The single-region org with a records-admin role.
  const since = edges.records.up.seen.length;
  const ok = await outcome(as('comp-2', 'records').recording.postRecordingJobs(del));
  assert.equal(ok.status, 202);
  assert.equal(ok.body.state, 'PENDING');
  refusedBy(await outcome(as('comp-2', 'records').recording.postRecordingJobs({ ...del, includeScreenRecordings: true })), 403, 'bulk_restricted');
  refusedBy(await outcome(as('comp-1', 'records').recording.postRecordingJobs(del)), 403, 'bulk_restricted');
  refusedBy(await outcome(as('sradmin-1', 'records').recording.postRecordingJobs({ action: 'EXPORT', includeScreenRecordings: true })), 403, 'bulk_restricted');
  const exp = await outcome(as('comp-2', 'records').recording.postRecordingJobs({ action: 'EXPORT', includeScreenRecordings: false, includeRecordingsWithSensitiveData: true }));
  assert.equal(exp.status, 202, 'viewSensitiveData everywhere: sensitive ones too');
  refusedBy(await outcome(as('qa-1', 'records').recording.postRecordingJobs(del)), 403, 'no_permission');
  assert.equal(edges.records.up.seen.slice(since).filter((s) => s.method === 'POST' && s.path === '/api/v2/recording/jobs').length, 2);
  // Reading and running jobs.
  const jobs = await outcome(as('comp-1', 'records').recording.getRecordingJobs());
  assert.equal(jobs.status, 200);
  assert.equal(jobs.body.entities.length, 2);
  refusedBy(await outcome(as('qa-1', 'records').recording.getRecordingJob(ok.body.id)), 403, 'no_permission');
  const run = await outcome(as('comp-2', 'records').recording.putRecordingJob(ok.body.id, { state: 'PROCESSING' }));
  assert.equal(run.status, 202);
  refusedBy(await outcome(as('comp-1', 'records').recording.putRecordingJob(ok.body.id, { state: 'PROCESSING' })), 403, 'bulk_restricted');
  const failed = await outcome(as('comp-1', 'records').recording.getRecordingJobFailedrecordings(ok.body.id));
  assert.equal(failed.status, 200);
  // comp-1's no-destroy role denies recording:*:delete, and recording:job:delete is one.
  refusedBy(await outcome(as('comp-1', 'records').recording.deleteRecordingJob(ok.body.id)), 403, 'denied');
  const cancel = await outcome(as('comp-2', 'records').recording.deleteRecordingJob(ok.body.id));
  assert.equal(cancel.status, 204);
});

test('retention policies, recording settings and screen sessions', async () => {
  refusedBy(await outcome(as('comp-2').recording.getRecordingMediaretentionpolicies()), 403, 'no_permission');
  const list = await outcome(as('comp-2', 'records').recording.getRecordingMediaretentionpolicies());
  assert.equal(list.status, 200);
  assert.equal(list.body.entities[0].name, 'Keep a year');
  const create = await outcome(as('comp-2', 'records').recording.postRecordingMediaretentionpolicies({ name: 'Keep two years' }));
  assert.equal(create.status, 200);
  refusedBy(await outcome(as('audit-1', 'records').recording.deleteRecordingMediaretentionpolicy('pol-1')), 403, 'no_permission');
  const settings = await outcome(as('sradmin-1', 'records').recording.getRecordingSettings());
  assert.equal(settings.status, 200);
  refusedBy(await outcome(as('qa-1', 'records').recording.putRecordingSettings({ maxSimultaneousStreams: 1 })), 403, 'no_permission');
  // A count of every active screen session: unrestricted screen-recording view.
  const sessions = await outcome(as('sradmin-1', 'records').recording.getRecordingsScreensessionsDetails());
  assert.equal(sessions.status, 200);
  assert.equal(sessions.body.count, 3);
  refusedBy(await outcome(as('sradmin-1').recording.getRecordingsScreensessionsDetails()), 403, 'bulk_restricted');
  refusedBy(await outcome(as('qa-1', 'records').recording.getRecordingsScreensessionsDetails()), 403, 'bulk_restricted');
});

test('queues and users beside the recordings', async () => {
  const queues = await outcome(as('b-em-1').routing.getRoutingQueues());
  assert.equal(queues.status, 200);
  assert.deepEqual(queues.body.entities.map((q) => q.id), ['q-bpo']);
  refusedBy(await outcome(as('b-em-1').routing.getRoutingQueue('q-escalation')), 403, 'out_of_division');
  const me = await outcome(as('b-em-1').users.getUser('b-em-1'));
  assert.equal(me.status, 200);
  refusedBy(await outcome(as('b-em-1').users.getUser('a-us-1')), 403, 'out_of_division');
});
