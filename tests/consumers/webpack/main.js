// webpack 5, no loader or experiment: the package's default entry, `await init()`
// (webpack emits the .wasm from the glue's new URL(…, import.meta.url)).
import * as recgate from '@recgate/web';
import { boot } from '../shared/page.js';

boot('webpack', recgate, () => recgate.init());
