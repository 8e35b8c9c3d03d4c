// esbuild, the README's recipe: the .wasm imported through the file loader
// (--loader:.wasm=file), its URL given to init().
import * as recgate from '@recgate/web';
import wasmUrl from '@recgate/web/recgate_web_bg.wasm';
import { boot } from '../shared/page.js';

boot('esbuild', recgate, () => recgate.init(wasmUrl));
