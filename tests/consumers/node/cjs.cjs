// Node CommonJS: require('@recgate/web') (the "require" condition: js/node.cjs),
// ready at once. The shared scenario is an ES module: loaded with import().
const { readFileSync } = require('node:fs');
const recgate = require('@recgate/web');

(async () => {
  const { run } = await import('../shared/scenario.js');
  const [specFile, slicesDir] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specFile, 'utf8'));
  const slices = Object.fromEntries(spec.users.map((u) => [u, readFileSync(`${slicesDir}/${u}.json`, 'utf8')]));
  const gate = recgate.Gate.fromPolicy(slices[spec.users[0]]);
  gate.free();
  process.stdout.write(JSON.stringify({ app: 'node-cjs', result: run(recgate, spec, slices) }));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ app: 'node-cjs', failure: String(e?.stack ?? e) }));
});
