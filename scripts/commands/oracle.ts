// hedge:oracle — moves the mock VIX oracle on a local network (hardhat, localhost), to rehearse a volatility spike.
// Refused on any other network and for an oracle that hedge:deploy did not deploy as a mock: a real feed is
// Chainlink's to update.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { parseVix } from "../lib/shell/args";
import { fmtVix } from "../lib/format";
import { requireLocalNetwork } from "../lib/shell/network";
import { CliError, say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, sameAddress } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { syncLayers } from "./sync";

export interface OracleArgs {
  vix: string;
  sync: boolean;
  from?: string;
}

async function setVix(args: OracleArgs, hre: HardhatRuntimeEnvironment) {
  const vix = parseVix("--vix", args.vix);
  requireLocalNetwork(hre, "hedge:oracle (the mock VIX oracle)");
  const system = await openSystem(hre, { history: false });
  if (!system.deployment.oracleIsMock) {
    throw new CliError(
      `the oracle ${system.deployment.contracts.oracle.address} is not the mock deployed by hedge:deploy (${displayPath(hre, system.file)}); it cannot be set`,
    );
  }
  // --sync after the update must not fail once the update is sent: the policy must read this very oracle.
  const mock = system.deployment.contracts.oracle.address;
  const policyOracle = args.sync ? await system.policy.oracle() : mock;
  if (!sameAddress(policyOracle, mock)) {
    throw new CliError(`--sync: the policy reads the oracle ${policyOracle}, not the mock ${mock}; nothing sent`);
  }
  const { signer, label } = await selectSigner(hre, args.from);
  // The file's mock, which hedge:deploy deployed (openSystem checked its code), not system.oracle(): the policy's.
  const oracle = await hre.ethers.getContractAt("MockV3Aggregator", mock, signer);
  const decimals = await oracle.decimals();
  const answer = (BigInt(vix) * 10n ** BigInt(decimals)) / 100n;
  await simulate(hre, () => oracle.updateAnswer.staticCall(answer));
  await sendAndWait(hre, "updateAnswer", () => oracle.updateAnswer(answer));
  say(`The mock VIX oracle now answers ${fmtVix(vix)} (set by ${label}).`);
  if (args.sync) return { vix, engaged: await syncLayers(hre, system, signer, label) };
  say("Run hedge:sync to engage or disengage the layers.");
  return { vix };
}

export default setVix;
