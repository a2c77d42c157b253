// A JSON-RPC proxy that lies: a small HTTP server on a free loopback port in front of a real node, which forwards
// every request and hands each answer to `rewrite` before returning it (single requests and batches alike, with the
// CORS headers a browser page needs); `rewriteRequest`, when given, changes a request's params before it is
// forwarded, so the node answers another question than the one asked. It counts the requests it sees, so a test can
// tell whether a page used it at all. Stopped by the handle `startRewritingProxy` returns.
import http from "node:http";

/** One JSON-RPC request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  params: unknown[];
  /** The Origin header: a browser page's requests carry one, the test's own do not. */
  origin: string | null;
}

export interface RewritingProxy {
  url: string;
  requests: ProxiedRequest[];
  /** How many answers `rewrite` changed. */
  rewritten: number;
  /** How many requests `rewriteRequest` changed. */
  rewrittenRequests: number;
  stop(): Promise<void>;
}

/** Returns the answer to give instead of `result`, or `result` itself to pass it on unchanged. */
export type Rewrite = (method: string, params: unknown[], result: unknown) => unknown;

/** Returns the params to forward instead of `params`, or `params` itself to forward the request unchanged. */
export type RewriteRequest = (method: string, params: unknown[]) => unknown[];

interface RpcRequest {
  id: unknown;
  method: string;
  params?: unknown[];
}
interface RpcResponse {
  id: unknown;
  result?: unknown;
  error?: unknown;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
};

export async function startRewritingProxy(
  upstream: string,
  rewrite: Rewrite,
  rewriteRequest: RewriteRequest = (_method, params) => params,
): Promise<RewritingProxy> {
  const proxy: RewritingProxy = {
    url: "",
    requests: [],
    rewritten: 0,
    rewrittenRequests: 0,
    stop: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        let body = Buffer.concat(chunks).toString("utf8");
        const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
        const list = Array.isArray(parsed) ? parsed : [parsed];
        let changedRequests = 0;
        for (const r of list) {
          const original = r.params ?? [];
          proxy.requests.push({ method: r.method, params: original, origin: req.headers.origin ?? null });
          const params = rewriteRequest(r.method, original);
          if (params !== original) {
            r.params = params;
            changedRequests++;
          }
        }
        if (changedRequests > 0) {
          proxy.rewrittenRequests += changedRequests;
          body = JSON.stringify(parsed);
        }
        const answer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
        const upstreamBody = (await answer.json()) as RpcResponse | RpcResponse[];
        const responses = Array.isArray(upstreamBody) ? upstreamBody : [upstreamBody];
        for (const response of responses) {
          const request = list.find((r) => r.id === response.id);
          if (!request || !("result" in response)) continue;
          const changed = rewrite(request.method, request.params ?? [], response.result);
          if (changed !== response.result) {
            response.result = changed;
            proxy.rewritten++;
          }
        }
        res.writeHead(200, { "content-type": "application/json", ...CORS });
        res.end(JSON.stringify(Array.isArray(upstreamBody) ? responses : responses[0]));
      } catch (error) {
        res.writeHead(502, { "content-type": "text/plain", ...CORS });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
