// Pyth's MockPyth, a PythVixAdapter over it with a three-month roll schedule, and a HedgePolicy + HedgeUpkeep reading
// the adapter: the fixture of the Pyth path's tests. Update data is built by MockPyth's own
// createPriceFeedUpdateData, as Pyth's SDK documents for tests.
import { ZeroAddress, ZeroHash } from "ethers";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { HedgePolicy, HedgeUpkeep, MockPyth, PythVixAdapter } from "../../typechain-types";
import { defaultPolicy } from "../../scripts/lib/policy";

/** Pyth publishes the VIX futures with this exponent in the fixture (prices in 1e-5). */
export const PYTH_EXPO = -5;
/** MockPyth's fee per update (wei). */
export const UPDATE_FEE = 1_000n;
export const DAY = 86_400;
export const BLEND_WINDOW = 5 * DAY;
/** The months' price ids (stand-ins for Pyth's ids of three Cboe VIX futures months). */
export const MONTHS = ["VX JAN", "VX FEB", "VX MAR"].map((m) => ethers.id(m));
export const OTHER_ID = ethers.id("VX APR (not scheduled)");

/** Pyth's price for VIX `hundredths` at the fixture's exponent. */
export function pythPrice(hundredths: number): bigint {
  return BigInt(hundredths) * 10n ** BigInt(-PYTH_EXPO - 2);
}

export async function deployPythPath(options: { blendWindow?: number } = {}) {
  const [deployer, governance, steward, keeper, stranger] = await ethers.getSigners();
  const mockPyth: MockPyth = await (await ethers.getContractFactory("MockPyth")).deploy(60, UPDATE_FEE);
  const start = (await time.latest()) + 10;
  const rollTimes = [start, start + 30 * DAY, start + 60 * DAY];
  const scheduleEnd = start + 90 * DAY;
  const blendWindow = options.blendWindow ?? BLEND_WINDOW;
  const adapterFactory = await ethers.getContractFactory("PythVixAdapter");
  const adapter: PythVixAdapter = await adapterFactory.deploy(
    mockPyth,
    8,
    MONTHS,
    rollTimes,
    scheduleEnd,
    blendWindow,
    "VIX futures (Pyth), rolled",
  );
  await time.increaseTo(start);
  // The first month's price, VIX 15.00, published now: the policy needs a fresh answer to exist.
  await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[0], 1_500, start + 1)], { value: UPDATE_FEE });
  const policy: HedgePolicy = await (
    await ethers.getContractFactory("HedgePolicy")
  ).deploy(defaultPolicy(), governance, steward, adapter);
  const upkeep: HedgeUpkeep = await (
    await ethers.getContractFactory("HedgeUpkeep")
  ).deploy(policy, ZeroAddress, ZeroHash, ZeroAddress);
  return {
    mockPyth,
    adapter,
    adapterFactory,
    policy,
    upkeep,
    rollTimes,
    scheduleEnd,
    blendWindow,
    deployer,
    governance,
    steward,
    keeper,
    stranger,
  };
}

/** One update (MockPyth's format) of `id` to VIX `hundredths` published at `publishTime`. */
export async function update(
  mockPyth: MockPyth,
  id: string,
  hundredths: number,
  publishTime: number,
  expo = PYTH_EXPO,
  rawPrice?: bigint,
): Promise<string> {
  const price = rawPrice ?? BigInt(hundredths) * 10n ** BigInt(-expo - 2);
  return mockPyth.createPriceFeedUpdateData(id, price, 10n, expo, price, 10n, publishTime, 0);
}

/** Stores `id` at VIX `hundredths` published at the next block's time (which it sets), straight through Pyth. */
export async function pushPrice(mockPyth: MockPyth, id: string, hundredths: number, at?: number): Promise<number> {
  const t = at ?? (await time.latest()) + 1;
  await time.setNextBlockTimestamp(t);
  await mockPyth.updatePriceFeeds([await update(mockPyth, id, hundredths, t)], { value: UPDATE_FEE });
  return t;
}
