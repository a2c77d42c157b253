// Pyth's Hermes service, for the keeper of a policy whose oracle is a PythVixAdapter: the latest signed update of the
// price ids the adapter's schedule reads now, through Pyth's own client (@pythnetwork/hermes-client). Hermes is a
// public-network service and nothing on chain trusts it: the Pyth contract verifies the update, and
// HedgeUpkeep.updateAndSync refuses one that is old, of another price id, or leaves the layers as they are.
// The URL: hedge:watch --hermes, or HEDGE_HERMES_URL (hardhat.config.ts's table).

/** A signed update as updateAndSync takes it, and the publish time of each price it carries. */
export interface PythUpdate {
  /** `bytes[] updateData`: each element 0x-prefixed hex. */
  data: string[];
  publishTimes: number[];
}

/** Fetches the latest update of `ids` (32-byte hex, with or without 0x). */
export type PythSource = (ids: string[]) => Promise<PythUpdate>;

/** A PythSource over the Hermes endpoint at `url` (e.g. https://hermes.pyth.network). */
export async function hermesSource(url: string, timeoutMs = 5_000): Promise<PythSource> {
  const { HermesClient } = await import("@pythnetwork/hermes-client"); // loaded only by a Pyth keeper
  const client = new HermesClient(url, { timeout: timeoutMs, httpRetries: 1 });
  return async (ids) => {
    const update = await client.getLatestPriceUpdates(ids, { encoding: "hex", parsed: true });
    return {
      data: update.binary.data.map((d) => (d.startsWith("0x") ? d : `0x${d}`)),
      publishTimes: (update.parsed ?? []).map((p) => p.price.publish_time),
    };
  };
}
