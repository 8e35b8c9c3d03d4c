// A React 19 app in StrictMode (a development build: StrictMode runs every
// effect, cleanup and effect again), typed under --strict, using
// @recgate/web/react: <GateProvider policy={slice}> per user, useVisible,
// useControls, useGate and <Can> with its render prop. The harness reads the
// rendered DOM, then swaps every provider's policy for an edited slice
// (gate.update through the provider) and reads it again.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { init } from '@recgate/web';
import type { ControlName, Recording } from '@recgate/web';
import { Can, GateProvider, useControls, useGate, useVisible } from '@recgate/web/react';

interface Spec {
  users: string[];
  rows: Recording[];
  now: string;
}

declare global {
  interface Window {
    __recgateEffects: number;
    __recgateUpdate?: (slices: Record<string, string>) => void;
    __recgate?: unknown;
  }
}
window.__recgateEffects = 0;

function Row({ row }: { row: Recording }) {
  const controls = useControls(row);
  return (
    <li data-row={row.id}>
      {(Object.keys(controls) as ControlName[]).map((name) => (
        <button key={name} data-control={name} data-status={controls[name].status} title={controls[name].words} disabled={!controls[name].allowed}>
          {name}
        </button>
      ))}
      <Can permission="recording:recording:download" resource={{ type: 'recording', ...row }}>
        {({ allowed, reason, words }) => (
          <a data-can="download" data-allowed={String(allowed)} data-reason={reason} title={words}>download</a>
        )}
      </Can>
    </li>
  );
}

function Rows({ user, rows }: { user: string; rows: Recording[] }) {
  const gate = useGate();
  const shown = useVisible(rows);
  useEffect(() => {
    window.__recgateEffects++;
  }, []);
  return (
    <section data-user={user} data-revision={gate.revision} data-version={gate.version}>
      <ul>{shown.map((r) => <Row key={r.id} row={r} />)}</ul>
    </section>
  );
}

function App({ spec, first }: { spec: Spec; first: Record<string, string> }) {
  const [slices, setSlices] = useState(first);
  useEffect(() => {
    window.__recgateUpdate = setSlices;
  }, []);
  return (
    <>
      {spec.users.map((u) => (
        <GateProvider key={u} policy={slices[u]} who={u} now={spec.now} onError={(e) => { window.__recgate = { failure: String(e) }; }}>
          <Rows user={u} rows={spec.rows} />
        </GateProvider>
      ))}
    </>
  );
}

async function start() {
  await init();
  const spec: Spec = await (await fetch('/scenario.json')).json();
  const first: Record<string, string> = {};
  for (const u of spec.users) first[u] = await (await fetch(`/slices/${u}.json`)).text();
  const root = document.getElementById('root');
  if (root === null) throw new Error('no #root');
  createRoot(root).render(
    <StrictMode>
      <App spec={spec} first={first} />
    </StrictMode>,
  );
}

start().catch((e) => {
  window.__recgate = { failure: String(e?.stack ?? e) };
});
