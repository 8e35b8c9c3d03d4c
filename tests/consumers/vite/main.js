// Vite, no configuration: the package's default entry, `await init()`.
import * as recgate from '@recgate/web';
import { boot } from '../shared/page.js';

boot('vite', recgate, () => recgate.init());
