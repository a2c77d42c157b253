// `npm run app` and `npm run app:build`: Vite's dev server or build for the console, with the options a user of
// the command line expects: `--port <n>` (default 5173), `--host <address>` (default 127.0.0.1) and
// `--network <name>` (default localhost: serves deployments/<name>.json; sets HEDGE_NETWORK for app/vite.config.mts).
import path from "node:path";
import { parseArgs } from "node:util";

import { build, createServer } from "vite";

const { values } = parseArgs({
  options: {
    build: { type: "boolean", default: false },
    port: { type: "string" },
    host: { type: "string" },
    network: { type: "string" },
  },
});
if (values.network) process.env.HEDGE_NETWORK = values.network;
const configFile = path.join(import.meta.dirname, "vite.config.mts");

if (values.build) {
  await build({ configFile });
} else {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error(`error: --port ${values.port}: not a port number`);
    process.exit(1);
  }
  const server = await createServer({
    configFile,
    server: { port, host: values.host, strictPort: port !== undefined },
  });
  await server.listen();
  console.log(`Hedge Council console for network "${process.env.HEDGE_NETWORK ?? "localhost"}":`);
  server.printUrls();
}
