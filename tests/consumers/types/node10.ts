// A TypeScript user on the classic resolution (moduleResolution "node"),
// which ignores package.json "exports": every entry's types must still be
// found (typesVersions), and typed.
import init, { Gate } from '@recgate/web';
import { ready, Gate as BundlerGate } from '@recgate/web/bundler';
import wasmUrl from '@recgate/web/recgate_web_bg.wasm';
import type { GateProviderProps } from '@recgate/web/react';

const url: string = wasmUrl;
const started: Promise<void> = init(url);
const same: typeof Gate = BundlerGate;
const waiting: Promise<void> = ready();
const props: Pick<GateProviderProps, 'who'> = { who: 'qa-1' };
export { started, same, waiting, props };
