// Live monitoring at the edge (issue #20), with the official Genesys Cloud
// SDK (purecloud-platform-client-v2 262.0.0) as the client through real Envoy
// (ApiClient.setGateway): ConversationsApi's participant monitors and every
// decided ScreenMonitoringApi endpoint, allowed and refused for principals of
// examples/acme.json — the status, the body, and what the upstream API
// received (or that it received nothing). Monitoring is decided on the live
// interaction's facts, asked of the attributes service on every request
// (never cached): a conversation that ends between two requests is refused
// at once. Screens also run against a variant of acme in one region where
// the internal supervisor may view Support-US screen recordings and the
// screen-recording admin may monitor (acme grants nobody both, and has two
// regions, so nobody there is unrestricted over every live screen).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import platformClient from 'purecloud-platform-client-v2';

import { makeIssuer } from './lib/jwt.mjs';
import { outcome, refusedBy } from './lib/sdk.mjs';
import { acme, startEdge } from './lib/edge.mjs';

const idp = makeIssuer();

/** acme in one region: sup-us may view Support-US screen recordings, sradmin-1 may monitor. */
function screensOrg() {
  const p = acme();
  p.revision = 'acme-screen-supervisors';
  for (const u of Object.values(p.users)) delete u.region;
  p.roles['internal-supervisor'].grants.push({ permission: 'recording:screenRecording:view', scope: { group: 'support-us' } });
  p.roles['live-admin'] = { name: 'Live monitoring admin', grants: [{ permission: 'conversation:call:monitor' }] };
  p.users['sradmin-1'].roles.push({ role: 'live-admin', divisions: ['*'] });
  return p;
}

const edges = {};
before(async () => {
  edges.acme = await startEdge(idp);
  edges.screens = await startEdge(idp, { policy: screensOrg() });
});

after(async () => {
  for (const e of Object.values(edges)) await e.stop();
});

/** The SDK's APIs for `sub` (acting for `principal` when given), through the edge called `name`. */
function as(sub, name = 'acme', principal) {
  const client = new platformClient.ApiClientClass();
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: Number(new URL(edges[name].envoy.url).port) });
  client.setAccessToken(idp.token({ sub }));
  client.setReturnExtendedResponses(true);
  const opts = principal ? { customHeaders: { 'gen-usersubject': principal } } : {};
  const conversations = new platformClient.ConversationsApi(client);
  const screens = new platformClient.ScreenMonitoringApi(client);
  return {
    call: (c, p) => outcome(conversations.postConversationsCallParticipantMonitor(c, p, opts)),
    messages: (c, p) => outcome(conversations.postConversationsMessageParticipantMonitor(c, p, opts)),
    screens,
    opts,
  };
}

const agent = (c) => `p-${c}-agent`;
const seen = (name) => edges[name].up.seen;
const sawLast = (name, method, path) => [...seen(name)].reverse().find((s) => s.method === method && s.path === path);
/** Runs `fn`, then checks that nothing reached the upstream API meanwhile. */
async function untouched(name, fn) {
  const since = seen(name).length;
  await fn();
  assert.deepEqual(seen(name).slice(since).map((s) => `${s.method} ${s.path}`), [], 'nothing reached the API');
}
const reached = (name, method, path, principal) => {
  const s = sawLast(name, method, path);
  assert.ok(s, `${method} ${path} reached the API`);
  assert.equal(s.headers['x-recgate-principal'], principal);
  assert.match(s.headers['x-recgate-decision'], /^[0-9a-f]{32}$/);
  return s;
};
const callPath = (c, p) => `/api/v2/conversations/calls/${c}/participants/${p}/monitor`;

test('postConversationsCallParticipantMonitor: a supervisor listens in inside their scope only', async () => {
  const ok = await as('sup-us').call('c-live-us', agent('c-live-us'));
  assert.equal(ok.status, 202);
  assert.equal(ok.body, '', 'the SDK\'s void answer');
  const s = reached('acme', 'POST', callPath('c-live-us', agent('c-live-us')), 'sup-us');
  assert.equal(s.body, '');
  // From the customer's side of the same call: decided on the same interaction.
  assert.equal((await as('sup-us').call('c-live-us', 'p-c-live-us-customer')).status, 202);
  await untouched('acme', async () => {
    // Support-UK: sup-us hears inbound UK calls recorded, so is told why.
    refusedBy(await as('sup-us').call('c-live-uk', agent('c-live-uk')), 403, 'out_of_scope');
    // An outbound UK call sup-us may not even see: not found.
    refusedBy(await as('sup-us').call('c-live-uk-out', agent('c-live-uk-out')), 404, 'not_found');
    // QA may hear the call recorded, but does not monitor; another agent may not even see it.
    refusedBy(await as('qa-1').call('c-live-us', agent('c-live-us')), 403, 'no_permission');
    refusedBy(await as('a-us-2').call('c-live-us', agent('c-live-us')), 404, 'not_found');
    refusedBy(await as('gone-1').call('c-live-us', agent('c-live-us')), 403, 'principal_disabled');
    // No such participant, no such conversation, a messaging conversation on the calls route.
    refusedBy(await as('sup-us').call('c-live-us', 'p-nobody'), 404, 'not_found');
    refusedBy(await as('sup-us').call('c-nope', 'p-nobody'), 404, 'not_found');
    refusedBy(await as('sup-us').call('c-live-msg', agent('c-live-msg')), 404, 'not_found');
  });
});

test('the BPO supervisor monitors the BPO queue view only; impersonation rules apply', async () => {
  const ok = await as('bsup-1').call('c-live-bpo', agent('c-live-bpo'));
  assert.equal(ok.status, 202);
  reached('acme', 'POST', callPath('c-live-bpo', agent('c-live-bpo')), 'bsup-1');
  await untouched('acme', async () => {
    // Internal calls are outside their divisions, and hidden from them.
    refusedBy(await as('bsup-1').call('c-live-us', agent('c-live-us')), 404, 'not_found');
    // The BPO integration may act for BPO agents (who do not monitor), not for their supervisor.
    refusedBy(await as('svc-bpo', 'acme', 'bsup-1').call('c-live-bpo', agent('c-live-bpo')), 403, 'impersonation_denied');
    refusedBy(await as('svc-bpo', 'acme', 'b-em-1').call('c-live-bpo', agent('c-live-bpo')), 403, 'no_permission');
    refusedBy(await as('svc-us', 'acme', 'sup-us').call('c-live-us', agent('c-live-us')), 403, 'impersonation_denied');
  });
});

test('an ended conversation is refused — asked afresh every time, never from a cache', async () => {
  const { up, attrs } = edges.acme;
  await untouched('acme', async () => {
    refusedBy(await as('sup-us').call('c-ended-us', agent('c-ended-us')), 403, 'conversation_ended');
    // Someone who could not monitor it live is told what stands in their way, not that it ended.
    refusedBy(await as('qa-1').call('c-ended-us', agent('c-ended-us')), 403, 'no_permission');
    refusedBy(await as('a-us-1').call('c-ended-us', agent('c-ended-us')), 404, 'not_found');
  });
  const path = `/attributes/conversations/c-live-us/participants/${agent('c-live-us')}`;
  const asked = () => attrs.state.paths.filter((p) => p === path).length;
  const before = asked();
  assert.equal((await as('sup-us').call('c-live-us', agent('c-live-us'))).status, 202);
  // The call ends; the very next request sees it.
  const c = up.data.conversations.find((x) => x.conversationId === 'c-live-us');
  c.live = false;
  try {
    await untouched('acme', async () => {
      refusedBy(await as('sup-us').call('c-live-us', agent('c-live-us')), 403, 'conversation_ended');
    });
  } finally {
    c.live = true;
  }
  assert.equal((await as('sup-us').call('c-live-us', agent('c-live-us'))).status, 202);
  assert.equal(asked() - before, 3, 'each monitor request asked the attributes service');
  // Facts that cannot be had refuse: nothing is decided on a guess.
  attrs.state.mode = 'down';
  try {
    await untouched('acme', async () => {
      refusedBy(await as('sup-us').call('c-live-us', agent('c-live-us')), 503, 'resource_unavailable');
    });
  } finally {
    attrs.state.mode = 'up';
  }
});

test('a body on a monitor request is refused: the decision did not read it', async () => {
  const url = `${edges.acme.envoy.url}${callPath('c-live-us', agent('c-live-us'))}`;
  await untouched('acme', async () => {
    const r = await fetch(url, { method: 'POST', body: '{"participantId":"someone-else"}', headers: { authorization: `Bearer ${idp.token({ sub: 'sup-us' })}`, 'content-type': 'application/json' } });
    const body = await r.json();
    refusedBy({ status: r.status, body }, 400, 'invalid_request');
  });
});

test('postConversationsMessageParticipantMonitor: the same rules on a messaging conversation', async () => {
  const path = `/api/v2/conversations/messages/c-live-msg/participants/${agent('c-live-msg')}/monitor`;
  const ok = await as('sup-us').messages('c-live-msg', agent('c-live-msg'));
  assert.equal(ok.status, 202);
  reached('acme', 'POST', path, 'sup-us');
  await untouched('acme', async () => {
    refusedBy(await as('bsup-1').messages('c-live-msg', agent('c-live-msg')), 404, 'not_found');
    refusedBy(await as('qa-1').messages('c-live-msg', agent('c-live-msg')), 403, 'no_permission');
    // The agent on the conversation is no supervisor, and holds no view of recordings at all.
    refusedBy(await as('a-us-2').messages('c-live-msg', agent('c-live-msg')), 404, 'not_found');
    // A call on the messages route: no messaging conversation by that id.
    refusedBy(await as('sup-us').messages('c-live-us', agent('c-live-us')), 404, 'not_found');
  });
});

test('conversation-level screen monitoring: the monitor permission and the screen-recording view rules', async () => {
  const c = 'c-live-us';
  const p = agent(c);
  const base = `/api/v2/conversations/${c}/participants/${p}/screenmonitors/sessions`;
  // acme: sup-us may listen in but may not view Support-US screen recordings.
  await untouched('acme', async () => {
    refusedBy(await outcome(as('sup-us').screens.postConversationParticipantScreenmonitorsSessions(c, p)), 403, 'no_access');
    refusedBy(await outcome(as('sradmin-1').screens.postConversationParticipantScreenmonitorsSessions(c, p)), 403, 'no_permission');
  });
  // With screen-recording view on Support-US, the screen is sup-us's to watch.
  const sup = as('sup-us', 'screens');
  const start = await outcome(sup.screens.postConversationParticipantScreenmonitorsSessions(c, p));
  assert.equal(start.status, 201);
  const id = start.body.screenMonitoringId;
  assert.match(id, /^sm-/);
  reached('screens', 'POST', base, 'sup-us');
  const got = await outcome(sup.screens.getConversationParticipantScreenmonitorsSession(c, p, id));
  assert.equal(got.status, 200);
  assert.deepEqual([got.body.sourceUser.id, got.body.targetUser.id, got.body.conversation.id], ['sup-us', 'a-us-1', c]);
  // A read is no reason to cache a live interaction: the GET after the call ends sees it ended.
  const conv = edges.screens.up.data.conversations.find((x) => x.conversationId === c);
  conv.live = false;
  try {
    refusedBy(await outcome(sup.screens.getConversationParticipantScreenmonitorsSession(c, p, id)), 403, 'conversation_ended');
  } finally {
    conv.live = true;
  }
  await untouched('screens', async () => {
    refusedBy(await outcome(as('sup-us', 'screens').screens.postConversationParticipantScreenmonitorsSessions('c-live-uk', agent('c-live-uk'))), 403, 'out_of_scope');
    refusedBy(await outcome(as('sup-us', 'screens').screens.postConversationParticipantScreenmonitorsSessions('c-ended-us', agent('c-ended-us'))), 403, 'conversation_ended');
    refusedBy(await outcome(as('qa-1', 'screens').screens.getConversationParticipantScreenmonitorsSession(c, p, id)), 403, 'no_permission');
    refusedBy(await outcome(as('qa-1', 'screens').screens.deleteConversationParticipantScreenmonitorsSession(c, p, id)), 403, 'no_permission');
  });
  const stop = await outcome(sup.screens.deleteConversationParticipantScreenmonitorsSession(c, p, id));
  assert.equal(stop.status, 204);
  reached('screens', 'DELETE', `${base}/${id}`, 'sup-us');
});

test('agent-level screen monitoring: the agent\'s desktop across interactions, in no queue', async () => {
  const sup = as('sup-us', 'screens');
  const start = await outcome(sup.screens.postUserScreenmonitorsSessions('a-us-1'));
  assert.equal(start.status, 201);
  const id = start.body.screenMonitoringId;
  reached('screens', 'POST', '/api/v2/users/a-us-1/screenmonitors/sessions', 'sup-us');
  const got = await outcome(sup.screens.getUserScreenmonitorsSession('a-us-1', id));
  assert.equal(got.status, 200);
  assert.equal(got.body.monitoringType, 'Agent');
  await untouched('screens', async () => {
    refusedBy(await outcome(as('sup-us', 'screens').screens.postUserScreenmonitorsSessions('a-uk-1')), 403, 'out_of_scope');
    refusedBy(await outcome(as('sup-us', 'screens').screens.postUserScreenmonitorsSessions('nobody')), 403, 'unknown_resource');
    refusedBy(await outcome(as('a-us-2', 'screens').screens.deleteUserScreenmonitorsSession('a-us-1', id)), 403, 'no_permission');
  });
  await untouched('acme', async () => {
    refusedBy(await outcome(as('sup-us').screens.postUserScreenmonitorsSessions('a-us-1')), 403, 'no_access');
    // The BPO queue view names a queue; an agent's desktop across interactions is in none.
    refusedBy(await outcome(as('bsup-1').screens.postUserScreenmonitorsSessions('b-em-1')), 403, 'out_of_scope');
  });
  assert.equal((await outcome(sup.screens.deleteUserScreenmonitorsSession('a-us-1', id))).status, 204);
});

test('getScreenmonitorsUserSessions: each session kept for its supervisor and for whoever may monitor its agent', async () => {
  const sup = as('sup-us', 'screens');
  const mine = await outcome(sup.screens.postUserScreenmonitorsSessions('a-us-1'));
  const id = mine.body.screenMonitoringId;
  try {
    const us = await outcome(sup.screens.getScreenmonitorsUserSessions('a-us-2'));
    assert.equal(us.status, 200);
    assert.deepEqual(us.body.entities.map((s) => s.screenMonitoringId), ['sm-seed-us'], 'an agent sup-us may monitor');
    reached('screens', 'GET', '/api/v2/screenmonitors/users/a-us-2/sessions', 'sup-us');
    const uk = await outcome(sup.screens.getScreenmonitorsUserSessions('a-uk-1'));
    assert.deepEqual(uk.body.entities, [], 'another supervisor\'s session on an agent outside sup-us\'s scope');
    const own = await outcome(sup.screens.getScreenmonitorsUserSessions('sup-us'));
    assert.deepEqual(own.body.entities.map((s) => s.screenMonitoringId), [id], 'the sessions sup-us started');
    const qa = await outcome(as('qa-1', 'screens').screens.getScreenmonitorsUserSessions('a-us-2'));
    assert.deepEqual(qa.body.entities, []);
    // acme: without screen-recording view, sup-us sees none of another's sessions.
    const acmeUs = await outcome(as('sup-us').screens.getScreenmonitorsUserSessions('a-us-2'));
    assert.deepEqual(acmeUs.body.entities, []);
    await untouched('acme', async () => {
      refusedBy(await outcome(as('svc-us').screens.getScreenmonitorsUserSessions('a-us-2', { customHeaders: { 'gen-usersubject': 'sup-us' } })), 403, 'impersonation_denied');
    });
  } finally {
    await outcome(sup.screens.deleteUserScreenmonitorsSession('a-us-1', id));
  }
});

test('postScreenmonitorsSessionsUsersDetails: every user named must be one the principal may monitor', async () => {
  const sup = as('sup-us', 'screens');
  const ok = await outcome(sup.screens.postScreenmonitorsSessionsUsersDetails(['a-us-1', 'a-us-2']));
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.entities.map((e) => [e.targetUser.id, e.count]), [['a-us-1', 0], ['a-us-2', 1]]);
  assert.equal(reached('screens', 'POST', '/api/v2/screenmonitors/sessions/users/details', 'sup-us').body, '["a-us-1","a-us-2"]');
  await untouched('screens', async () => {
    const mixed = await outcome(sup.screens.postScreenmonitorsSessionsUsersDetails(['a-us-1', 'a-uk-1', 'nobody']));
    refusedBy(mixed, 403, 'out_of_scope');
    assert.deepEqual(mixed.body.refused, [{ userId: 'a-uk-1', reason: 'out_of_scope' }, { userId: 'nobody', reason: 'unknown_resource' }]);
    refusedBy(await outcome(sup.screens.postScreenmonitorsSessionsUsersDetails([7])), 400, 'invalid_request');
    refusedBy(await outcome(as('bsup-1', 'screens').screens.postScreenmonitorsSessionsUsersDetails(['b-em-1'])), 403, 'out_of_scope');
  });
});

test('getScreenmonitorsSessionsDetails: a figure over every session needs unrestricted monitoring of every live screen', async () => {
  const all = await outcome(as('sradmin-1', 'screens').screens.getScreenmonitorsSessionsDetails());
  assert.equal(all.status, 200);
  assert.equal(typeof all.body.count, 'number');
  reached('screens', 'GET', '/api/v2/screenmonitors/sessions/details', 'sradmin-1');
  await untouched('screens', async () => {
    refusedBy(await outcome(as('sup-us', 'screens').screens.getScreenmonitorsSessionsDetails()), 403, 'bulk_restricted');
  });
  await untouched('acme', async () => {
    refusedBy(await outcome(as('sradmin-1').screens.getScreenmonitorsSessionsDetails()), 403, 'bulk_restricted');
  });
});

test('the screen-monitor settings are refused at the edge (route_unknown)', async () => {
  await untouched('screens', async () => {
    refusedBy(await outcome(as('sradmin-1', 'screens').screens.getScreenmonitorsSettings()), 403, 'route_unknown');
    refusedBy(await outcome(as('sradmin-1', 'screens').screens.putScreenmonitorsSettings({ enableAgentNotifications: false })), 403, 'route_unknown');
  });
});
