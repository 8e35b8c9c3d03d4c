// The test upstream (and so the demo API) answers with the SDK's models:
// every body it serves on the decided endpoints is written into a TypeScript
// file as an object literal of the SDK's type (purecloud-platform-client-v2
// 262.0.0, index.d.ts) and checked by tsc --strict, whose excess-property
// check refuses any field the real model does not have (an `owner` or a
// `region` on a Recording, an `entities` envelope around a list).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startUpstream } from './lib/servers.mjs';
import { repoRoot } from './lib/envoy.mjs';

const C = '/api/v2/conversations';
/** [SDK model, method, path, body]. */
const ENDPOINTS = [
  ['Recording', 'GET', `${C}/c-1/recordings/rec-us-call-1`],
  ['Recording', 'GET', `${C}/c-6/recordings/rec-us-chat-1`],
  ['Recording', 'GET', `${C}/c-1/recordings/rec-us-call-1?download=true`],
  ['Recording', 'PUT', `${C}/c-1/recordings/rec-us-call-1`, { deleteDate: '2026-12-24T00:00:00Z' }],
  ['Array<Models.Recording>', 'GET', `${C}/c-1/recordings`],
  ['Array<Models.RecordingMetadata>', 'GET', `${C}/c-1/recordingmetadata`],
  ['RecordingMetadata', 'GET', `${C}/c-1/recordingmetadata/rec-us-call-1`],
  ['Array<Models.Annotation>', 'GET', `${C}/c-1/recordings/rec-us-call-1/annotations`],
  ['Annotation', 'GET', `${C}/c-1/recordings/rec-us-call-1/annotations/ann-1`],
  ['Annotation', 'POST', `${C}/c-1/recordings/rec-us-call-1/annotations`, { name: 'n', type: 'Bookmark', location: 1 }],
  ['BatchDownloadJobSubmissionResult', 'POST', '/api/v2/recording/batchrequests', { batchDownloadRequestList: [{ conversationId: 'c-1', recordingId: 'rec-us-call-1' }] }],
  ['BatchDownloadJobStatusResult', 'GET', '/api/v2/recording/batchrequests/batch-1'],
  ['RecordingJob', 'POST', '/api/v2/recording/jobs', { action: 'DELETE', actionDate: '2026-12-24T00:00:00Z' }],
  ['RecordingJobEntityListing', 'GET', '/api/v2/recording/jobs'],
  ['RecordingJob', 'GET', '/api/v2/recording/jobs/job-2'],
  ['FailedRecordingEntityListing', 'GET', '/api/v2/recording/jobs/job-2/failedrecordings'],
  ['PolicyEntityListing', 'GET', '/api/v2/recording/mediaretentionpolicies'],
  ['Policy', 'GET', '/api/v2/recording/mediaretentionpolicies/pol-1'],
  ['RecordingSettings', 'GET', '/api/v2/recording/settings'],
  ['ScreenRecordingActiveSessions', 'GET', '/api/v2/recordings/screensessions/details'],
  ['ManageDeleteProtectionResult', 'PUT', '/api/v2/recordings/deletionprotection?protect=true', { conversationIds: ['c-4'] }],
  ['Array<Models.AddressableEntityRef>', 'POST', '/api/v2/recordings/deletionprotection', { conversationIds: ['c-4'] }],
  ['QueueEntityListing', 'GET', '/api/v2/routing/queues'],
  ['User', 'GET', '/api/v2/users/a-us-1'],
  ['ErrorBody', 'GET', `${C}/c-1/recordings/rec-nope`],
  // Live monitoring (ConversationsApi's monitors answer void: no body to check).
  ['StartScreenMonitorResponseBody', 'POST', `${C}/c-live-us/participants/p-c-live-us-agent/screenmonitors/sessions`],
  ['ScreenMonitoringSession', 'GET', `${C}/c-live-us/participants/p-c-live-us-agent/screenmonitors/sessions/sm-3`],
  ['StartScreenMonitorResponseBody', 'POST', '/api/v2/users/a-us-1/screenmonitors/sessions'],
  ['ScreenMonitoringSession', 'GET', '/api/v2/users/a-us-1/screenmonitors/sessions/sm-4'],
  ['ScreenMonitoringSessionEntityListing', 'GET', '/api/v2/screenmonitors/users/a-us-1/sessions'],
  ['ScreenMonitoringUserDetailsEntityListing', 'POST', '/api/v2/screenmonitors/sessions/users/details', ['a-us-1', 'a-uk-1']],
  ['ScreenMonitoringDetails', 'GET', '/api/v2/screenmonitors/sessions/details'],
];

test(`the test upstream answers ${ENDPOINTS.length} endpoints with the SDK's models (tsc --strict)`, async () => {
  const up = await startUpstream();
  const url = `http://127.0.0.1:${up.port}`;
  // Importing the package puts its Models namespace in reach of import() types.
  const lines = ["import type platformClient from 'purecloud-platform-client-v2';", "export type Sdk = typeof platformClient;", ''];
  const M = "import('purecloud-platform-client-v2').Models";
  try {
    for (const [i, [model, method, path, body]] of ENDPOINTS.entries()) {
      const r = await fetch(url + path, { method, body: body && JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const json = await r.json();
      const type = model.startsWith('Array<') ? model.replace('Models.', `${M}.`) : `${M}.${model}`;
      lines.push(`// ${method} ${path}`, `export const v${i}: ${type} = ${JSON.stringify(json, null, 1)};`, '');
    }
  } finally {
    up.server.close();
  }
  const dir = join(repoRoot, 'target', 'tsc-models');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fixtures.ts');
  writeFileSync(file, lines.join('\n'));
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  let out = '';
  try {
    execFileSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--moduleResolution', 'node', '--esModuleInterop', '--target', 'es2020', file], { stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out, '', `the fixtures do not match the SDK's models:\n${out}`);
  // And tsc would have said so: a field the real Recording lacks is an error.
  writeFileSync(join(dir, 'negative.ts'), `${lines[0]}\nexport const r: ${M}.Recording = { id: 'x', owner: 'a-us-1' };\n`);
  assert.throws(() => execFileSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--moduleResolution', 'node', '--esModuleInterop', join(dir, 'negative.ts')], { stdio: 'pipe' }), (e) => String(e.stdout).includes("'owner' does not exist in type 'Recording'"));
});
