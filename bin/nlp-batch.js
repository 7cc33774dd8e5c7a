#!/usr/bin/env node
// The package's command. It runs the compiled client; `npm run build` (or npm start/test) builds it.
const { main } = require('../dist/src/client/cli.js');
main(process.argv).then((code) => {
  process.exitCode = code;
});
