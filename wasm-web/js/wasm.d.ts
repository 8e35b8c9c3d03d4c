// `@recgate/web/recgate_web_bg.wasm`: the module file itself. Bundlers that
// turn a file import into its URL (esbuild's `--loader:.wasm=file`, Vite's
// `?url`, webpack's `asset/resource`) give a string to pass to init().
declare const url: string;
export default url;
