// The proposals folder served to the console by `npm run app` (a Vite dev-server middleware, mounted by
// ./vite.config.mts), so that every proposal in the council's shared queue shows up on the Proposals page without a
// paste. Read-only, and as narrow as a file server can be, since it runs on a seat holder's machine:
//   GET /proposals/index.json   {"files": ["0x….json", …]}: the proposals' files (scripts/lib/proposals-folder.ts)
//   GET /proposals/<id>.json     one file's bytes, as they are on disk
// HEAD too; any other method is 405 (nothing is ever written: a co-signature made in the console comes back as a
// download for the seat to put into the folder). Any other name under /proposals/ is 404: a name is matched whole
// against the id pattern, so no ../, percent-encoded or not, and no other file of the folder is ever opened; a
// symbolic link that leads out of the folder is 404 as well. Files are read again on every request (another seat's
// signature may land at any moment: a git pull, a shared drive) and never cached by the browser.
// The server checks nothing in a file: the console checks every one as the command line does.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";

import { fileInside, proposalFileNames } from "../scripts/lib/proposals-folder";

/** Where the console asks for the folder, relative to the page (a static build has nothing there). */
export const PROPOSALS_PATH = "/proposals/";

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The middleware serving `dir` (see the top of this file); requests outside /proposals/ go on to `next`. */
export function proposalsMiddleware(dir: string): Middleware {
  return (req, res, next) => {
    const url = req.url ?? "/";
    const pathname = url.split("?")[0].split("#")[0];
    if (pathname !== PROPOSALS_PATH.slice(0, -1) && !pathname.startsWith(PROPOSALS_PATH)) return next();
    if (req.method !== "GET" && req.method !== "HEAD") {
      req.resume(); // a body sent along is read and dropped, so the connection stays usable
      res.statusCode = 405;
      res.setHeader("allow", "GET, HEAD");
      res.end();
      return;
    }
    // The name exactly as sent: no decoding and no normalisation, so only a literal `<id>.json` can match.
    const name = pathname.slice(PROPOSALS_PATH.length);
    let body: Buffer | null = null;
    try {
      if (name === "index.json") {
        const files = proposalFileNames(dir).filter((n) => fileInside(dir, n) !== null);
        body = Buffer.from(JSON.stringify({ files }), "utf8");
      } else {
        const file = fileInside(dir, name);
        if (file !== null) body = fs.readFileSync(file);
      }
    } catch {
      body = null; // unreadable (permissions, removed meanwhile): as if it were not there
    }
    res.setHeader("cache-control", "no-store");
    res.setHeader("x-content-type-options", "nosniff");
    if (body === null) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.setHeader("content-length", String(body.length));
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
