// The proposals folder as `npm run app` serves it to the console (app/proposals.ts, mounted by
// app/vite.config.mts): read-only, GET and HEAD only, /proposals/index.json and /proposals/<id>.json and nothing
// else, never a file outside the folder (no ../, no encoded traversal, no symbolic link out of it), each file's bytes
// as they are on disk, read again on every request.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { proposalsMiddleware } from "../../app/proposals";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

describe("npm run app: the proposals folder, served read-only", function () {
  let root = "";
  let dir = "";
  let port = 0;
  const id = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
  /** An id written with upper-case hex digits: not the name the tools write. */
  const upper = (hex: string) => `0x${hex.slice(2).toUpperCase()}`;

  /** A raw request: the path is sent exactly as given (no normalisation of ../ or of percent escapes). */
  function request(method: string, target: string, body?: string, at = port): Promise<Answer> {
    return new Promise((resolve, reject) => {
      // A body's length is sent with it: Node sends none by itself for DELETE or OPTIONS.
      const headers = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
      const req = http.request({ host: "127.0.0.1", port: at, method, path: target, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** A server with the middleware for `folder` first, as the dev server mounts it; anything it passes on gets 299. */
  async function serve(folder: string): Promise<{ port: number; stop: () => Promise<void> }> {
    const handler = proposalsMiddleware(folder);
    const server = http.createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 299; // what follows in the dev server: Vite's own handlers
        res.end("next");
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      port: (server.address() as { port: number }).port,
      stop: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  let stop: () => Promise<void> = async () => undefined;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-proposals-server-"));
    dir = path.join(root, "proposals");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(root, "secret.json"), '{"secret":true}');
    ({ port, stop } = await serve(dir));
  });
  after(async () => {
    await stop();
    fs.rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  });

  it("lists the files named <id>.json and serves each one's bytes unchanged, read fresh on every request", async () => {
    // Bytes a JSON round trip would change: a BOM, odd spacing, no final newline.
    const bytes = Buffer.from('\ufeff{ "format" :"hedge-council-approvals/2" ,\t"x": 1.50 }', "utf8");
    fs.writeFileSync(path.join(dir, `${id(1)}.json`), bytes);
    fs.writeFileSync(path.join(dir, `${id(2)}.json`), "{}");
    fs.writeFileSync(path.join(dir, "notes.json"), "{}");
    fs.writeFileSync(path.join(dir, `${id(3)}.json.lock`), "123");
    fs.writeFileSync(path.join(dir, `.${id(3)}.json.1.tmp`), "{}");
    fs.writeFileSync(path.join(dir, `${upper(id(0xabcdef))}.json`), "{}");
    fs.mkdirSync(path.join(dir, `${id(5)}.json`));

    const index = await request("GET", "/proposals/index.json");
    expect(index.status).to.equal(200);
    expect(index.headers["content-type"]).to.match(/^application\/json/);
    expect(index.headers["cache-control"]).to.equal("no-store");
    expect(JSON.parse(index.body.toString("utf8"))).to.deep.equal({ files: [`${id(1)}.json`, `${id(2)}.json`] });

    const one = await request("GET", `/proposals/${id(1)}.json`);
    expect(one.status).to.equal(200);
    expect(one.headers["content-type"]).to.match(/^application\/json/);
    expect(one.headers["cache-control"]).to.equal("no-store");
    expect(one.body.equals(bytes), "the bytes on disk").to.equal(true);

    const head = await request("HEAD", `/proposals/${id(1)}.json`);
    expect(head.status).to.equal(200);
    expect(head.headers["content-length"]).to.equal(String(bytes.length));
    expect(head.body.length).to.equal(0);

    // Another seat's signature lands in the file (a git pull, a shared drive): the next request serves it.
    fs.writeFileSync(path.join(dir, `${id(1)}.json`), '{"signatures":[1,2]}');
    expect((await request("GET", `/proposals/${id(1)}.json`)).body.toString()).to.equal('{"signatures":[1,2]}');
    fs.writeFileSync(path.join(dir, `${id(6)}.json`), "{}");
    expect(JSON.parse((await request("GET", "/proposals/index.json")).body.toString()).files).to.include(
      `${id(6)}.json`,
    );
  });

  it("serves no other name, and nothing outside the folder: no ../, no encoded traversal", async () => {
    fs.writeFileSync(path.join(dir, `${id(1)}.json`), "{}");
    fs.writeFileSync(path.join(dir, `${id(0xabcdef)}.json`), "{}");
    fs.writeFileSync(path.join(dir, "notes.json"), "{}");
    for (const target of [
      "/proposals/notes.json",
      `/proposals/${id(1)}.json.lock`,
      `/proposals/${id(1)}`,
      `/proposals/${upper(id(0xabcdef))}.json`,
      `/proposals/${id(1).slice(0, 10)}.json`,
      "/proposals/",
      "/proposals",
      "/proposals/../secret.json",
      "/proposals/..%2fsecret.json",
      "/proposals/%2e%2e/secret.json",
      "/proposals/%2E%2E%2Fsecret.json",
      `/proposals/${id(1)}.json/../../secret.json`,
      "/proposals//etc/passwd",
      "/proposals/..\\secret.json",
      "/proposals/index.json/../../secret.json",
    ]) {
      const answer = await request("GET", target);
      expect(answer.status, target).to.equal(404);
      expect(answer.body.toString(), target).not.to.include("secret");
    }
    // A query string does not change what is served.
    expect((await request("GET", `/proposals/${id(1)}.json?x=../secret.json`)).body.toString()).to.equal("{}");
    // Everything else goes on to the dev server's own handlers.
    expect((await request("GET", "/hedge-config.json")).status).to.equal(299);
    expect((await request("GET", "/proposalsx/index.json")).status).to.equal(299);
  });

  it("follows no symbolic link out of the folder", async () => {
    const outside = path.join(root, "secret.json");
    fs.symlinkSync(outside, path.join(dir, `${id(7)}.json`));
    fs.symlinkSync(root, path.join(dir, `${id(8)}.json`));
    fs.writeFileSync(path.join(dir, `${id(1)}.json`), '{"inside":true}');
    fs.symlinkSync(path.join(dir, `${id(1)}.json`), path.join(dir, `${id(9)}.json`));

    for (const n of [7, 8]) {
      const answer = await request("GET", `/proposals/${id(n)}.json`);
      expect(answer.status).to.equal(404);
      expect(answer.body.toString()).not.to.include("secret");
    }
    // A link that stays inside the folder is the file it names.
    expect((await request("GET", `/proposals/${id(9)}.json`)).body.toString()).to.equal('{"inside":true}');
    const files = JSON.parse((await request("GET", "/proposals/index.json")).body.toString()).files;
    expect(files).to.deep.equal([`${id(1)}.json`, `${id(9)}.json`]);
  });

  it("answers every method but GET and HEAD with 405, and changes nothing", async () => {
    const file = path.join(dir, `${id(1)}.json`);
    fs.writeFileSync(file, '{"kept":true}');
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const target of [`/proposals/${id(1)}.json`, "/proposals/index.json", `/proposals/${id(2)}.json`]) {
        const answer = await request(method, target, '{"replaced":true}');
        expect(answer.status, `${method} ${target}`).to.equal(405);
        expect(answer.headers.allow, `${method} ${target}`).to.equal("GET, HEAD");
      }
    }
    expect(fs.readFileSync(file, "utf8")).to.equal('{"kept":true}');
    expect(fs.existsSync(path.join(dir, `${id(2)}.json`))).to.equal(false);
  });

  it("lists nothing, without an error, when the folder does not exist yet", async () => {
    const missing = await serve(path.join(root, "missing"));
    try {
      const answer = await request("GET", "/proposals/index.json", undefined, missing.port);
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body.toString())).to.deep.equal({ files: [] });
      expect((await request("GET", `/proposals/${id(1)}.json`, undefined, missing.port)).status).to.equal(404);
    } finally {
      await missing.stop();
    }
  });
});
