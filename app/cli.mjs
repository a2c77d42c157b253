// `npm run app` and `npm run app:build`: Vite's dev server or build for the console, with the options a user of
// the command line expects: `--port <n>` (default 5173), `--host <address>` (default 127.0.0.1) and
// `--network <name>` (default localhost: serves deployments/<name>.json; sets HEDGE_NETWORK for app/vite.config.mts).
//
// As with the hedge:* commands, a wrong command line (an unknown option, a missing or invalid value) and a server that
// cannot listen are refused in one line, `error: <what is wrong and what to do>` on stderr, exit code 1, without a
// stack trace. The words are checked before Vite loads, so a typo fails at once and starts nothing.
import path from "node:path";
import { parseArgs } from "node:util";

const OPTIONS = {
  build: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  network: { type: "string" },
};

/** The options, as a refusal lists them. */
const USAGE = "the options are --port <1-65535>, --host <address>, --network <name> and --build";

/** Prints the one-line refusal and exits with code 1. */
function refuse(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/**
 * A word of the command line as a refusal shows it: as typed when it is plain (letters, digits and a few signs), so
 * that no control or bidirectional character reaches the terminal through an error line; otherwise not at all.
 */
function shown(word) {
  return /^[\w.:@/+=%,-]{1,80}$/.test(word) ? word : "(a word with characters not shown)";
}

/** The options given, each checked: known, given once, with a value when it takes one. Refuses anything else. */
function readOptions(args) {
  // Not strict: Node's own refusals are stack traces that name no fix; the tokens are checked here instead.
  const { tokens } = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values = {};
  for (const token of tokens) {
    if (token.kind === "positional") refuse(`unexpected argument ${shown(token.value)}; ${USAGE}`);
    if (token.kind !== "option") continue; // `--`: the words after it are positionals, refused as they come
    if (!Object.hasOwn(OPTIONS, token.name)) refuse(`unknown option ${shown(token.rawName)}; ${USAGE}`);
    if (Object.hasOwn(values, token.name)) refuse(`${token.rawName} is given twice; give it once`);
    if (OPTIONS[token.name].type === "boolean") {
      if (token.value !== undefined) refuse(`${token.rawName} takes no value`);
      values[token.name] = true;
    } else {
      // `--port --host x` would take `--host` as the port: an option's value never starts with a dash here.
      if (!token.value || (!token.inlineValue && token.value.startsWith("-"))) {
        refuse(`${token.rawName} needs a value; ${USAGE}`);
      }
      values[token.name] = token.value;
    }
  }
  return values;
}

const values = readOptions(process.argv.slice(2));

const port = values.port === undefined ? undefined : /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
if (port !== undefined && !(port >= 1 && port <= 65535)) {
  refuse(`--port ${shown(values.port)}: not a port number (1 to 65535)`);
}
if (values.host !== undefined && !/^[A-Za-z0-9._:%-]{1,253}$/.test(values.host)) {
  refuse(`--host ${shown(values.host)}: not a host name or IP address (e.g. 127.0.0.1, 0.0.0.0 or localhost)`);
}
// The name picks the file deployments/<name>.json: a name, never a path.
if (values.network !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(values.network)) {
  refuse(`--network ${shown(values.network)}: not a network name (letters, digits, - and _; e.g. localhost)`);
}

if (values.network) process.env.HEDGE_NETWORK = values.network;
const configFile = path.join(import.meta.dirname, "vite.config.mts");
// The configuration imports the command line's TypeScript (the proposals folder's rules, for the read-only server of
// app/proposals.ts): Vite's bundling config loader, its default, compiles it. Vite 8 also lists at every start why its
// planned `native` loader could not load it yet (TypeScript sources in a package that is not "type": "module", on
// Node 20); that list says nothing to someone starting the console, so it is not printed.
process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING = "true";
const { build, createServer } = await import("vite");

if (values.build) {
  await build({ configFile });
} else {
  const server = await createServer({
    configFile,
    server: { port, host: values.host, strictPort: port !== undefined },
  });
  try {
    await server.listen();
  } catch (error) {
    refuse(listenError(error, values.host ?? server.config.server.host, port ?? server.config.server.port));
  }
  console.log(`Hedge Council console for network "${process.env.HEDGE_NETWORK ?? "localhost"}":`);
  server.printUrls();
}

/** Why the server could not listen, and what to do. The host and the port were checked above: plain words. */
function listenError(error, host, port) {
  const code = error?.code;
  if (code === "EADDRINUSE" || /already in use/.test(String(error?.message))) {
    return `port ${port} is in use; stop what listens there, or pick another with --port`;
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `--host ${host}: no such host name`;
  if (code === "EADDRNOTAVAIL") return `--host ${host}: not an address of this machine`;
  if (code === "EACCES") return `port ${port} needs privileges; pick one above 1023 with --port`;
  return `cannot listen on ${host}:${port} (${typeof code === "string" ? shown(code) : "unknown error"})`;
}
