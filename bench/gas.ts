// `npm run bench`: Hedge Council against Safe 1.5.0 + TimelockController, side by side on the in-process chain.
// Prints the table and writes bench/gas.json, the snapshot that `npm test` compares against.
import hre from "hardhat";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { gasBreakdown } from "./lib/breakdown";
import { DESCRIBED, EIP170_LIMIT, SHAPES, measureGas, snapshotOf, type ShapeName } from "./lib/measure";
import { printTable } from "./lib/table";

const fmt = (n: number) => n.toLocaleString("en-US");
const ratio = (a: number, b: number) => (a / b).toFixed(3) + "×";
const percent = (now: number, before: number) => {
  const p = (100 * (now - before)) / before;
  return (p >= 0 ? "+" : "") + p.toFixed(2) + " %";
};

async function main() {
  if (hre.network.name !== "hardhat")
    throw new Error("run the benchmark on the in-process network (--network hardhat)");
  const file = path.join(__dirname, "gas.json");
  // The snapshot this run replaces, read before it is overwritten, to print what changed.
  const previous: Record<string, Record<string, number>> | undefined = existsSync(file)
    ? JSON.parse(readFileSync(file, "utf8"))
    : undefined;
  const report = await measureGas(hre);
  const ratioOf = (name: ShapeName) => report.shapes[name].submitLifecycle / report.shapes[name].anchorLifecycle;

  console.log(
    "Gas: one policy change (coverage 2,500 → 3,000 bps, same setPolicy calldata, empty description), per multisig" +
      " shape\n",
  );
  const rows: string[][] = [["shape", "row", "gas per transaction", "lifecycle", "vs anchor", "per extra signer"]];
  for (const { name } of SHAPES) {
    const s = report.shapes[name];
    const t = report.transactions[name];
    rows.push([
      name,
      "Hedge Council submit + execute",
      t["council submit, execute"].map(fmt).join(" + "),
      fmt(s.submitLifecycle),
      ratio(s.submitLifecycle, s.anchorLifecycle),
      s.perExtraSigner ? fmt(s.perExtraSigner) : "—",
    ]);
    rows.push([
      "",
      `Hedge Council submit + execute, ${DESCRIBED.length}-char description`,
      t["council submit, execute (200-character description)"].map(fmt).join(" + "),
      fmt(s.describedLifecycle),
      ratio(s.describedLifecycle, s.anchorLifecycle),
      "—",
    ]);
    rows.push([
      "",
      "Hedge Council on-chain approvals",
      t["council propose, approve…, queue, execute"].map(fmt).join(" + "),
      fmt(s.onchainLifecycle),
      ratio(s.onchainLifecycle, s.anchorLifecycle),
      "—",
    ]);
    rows.push([
      "",
      "Hedge Council Fast nudge (submit)",
      fmt(s.fastNudge),
      fmt(s.fastNudge),
      ratio(s.fastNudge, s.anchorLifecycle),
      "—",
    ]);
    rows.push([
      "",
      "Safe + TimelockController (anchor)",
      t["anchor schedule, execute"].map(fmt).join(" + "),
      fmt(s.anchorLifecycle),
      "1.000×",
      s.anchorPerExtraSigner ? fmt(s.anchorPerExtraSigner) : "—",
    ]);
  }
  printTable(rows, 2);

  console.log(
    "\nGas: one new member, a seat minted through the Critical tier (Critical threshold of signers, Critical delay)" +
      "\nagainst the Safe's addOwnerWithThreshold scheduled and executed through the timelock (k signers, 1 day)\n",
  );
  const seatRows = [["shape", "row", "signers", "gas per transaction", "lifecycle", "vs anchor"]];
  for (const { name, k } of SHAPES) {
    const s = report.shapes[name];
    const t = report.transactions[name];
    seatRows.push([
      name,
      "Hedge Council CouncilSeats.mint (submit + execute)",
      String(report.criticalSigners[name]),
      t["council seat change: submit, execute"].map(fmt).join(" + "),
      fmt(s.seatChangeLifecycle),
      ratio(s.seatChangeLifecycle, s.anchorOwnerChangeLifecycle),
    ]);
    seatRows.push([
      "",
      "Safe + TimelockController addOwnerWithThreshold (anchor)",
      String(k),
      t["anchor owner change: schedule, execute"].map(fmt).join(" + "),
      fmt(s.anchorOwnerChangeLifecycle),
      "1.000×",
    ]);
    seatRows.push(["", "CouncilSeats.mint alone (sent by the timelock)", "", fmt(s.seatMint), "", ""]);
    seatRows.push(["", "CouncilSeats.burn alone (sent by the timelock)", "", fmt(s.seatBurn), "", ""]);
  }
  printTable(seatRows, 2);

  console.log(`\nWhat a ${DESCRIBED.length}-character description costs (submit + execute, against an empty one)\n`);
  const describedRows = [["shape", "empty", `${DESCRIBED.length} characters`, "difference", ""]];
  for (const { name } of SHAPES) {
    const s = report.shapes[name];
    describedRows.push([
      name,
      fmt(s.submitLifecycle),
      fmt(s.describedLifecycle),
      fmt(s.describedLifecycle - s.submitLifecycle),
      percent(s.describedLifecycle, s.submitLifecycle),
    ]);
  }
  printTable(describedRows, 1);

  console.log(
    "\nThe Pyth path: HedgeUpkeep.updateAndSync (a Pyth update and the sync in one transaction) over Pyth's MockPyth," +
      "\nwhich skips the real Pyth contract's signature checks (add their cost on a real chain)\n",
  );
  printTable(
    [
      ["row", "gas"],
      ["updateAndSync, one month's update, engages layer 0", fmt(report.pyth.updateAndSyncOneLayer)],
      [
        "updateAndSync in a roll's blend window (two months), disengages layer 0",
        fmt(report.pyth.updateAndSyncBlendWindow),
      ],
      ["syncLayers alone reading a blend (two months), nothing moves", fmt(report.pyth.syncLayersBlendWindow)],
    ],
    1,
  );

  console.log("\nGoals\n");
  const goals = [["goal", "", "measured", "met"]];
  const perSigner = SHAPES.slice(1).map(({ name }) => report.shapes[name]);
  const worstSigner = Math.max(...perSigner.map((s) => s.perExtraSigner / s.anchorPerExtraSigner));
  for (const [goal, value, limit] of [
    ["3-of-5 lifecycle ≤ 1.02× the anchor", ratioOf("3-of-5"), 1.02],
    ["5-of-9 lifecycle ≤ 0.98× the anchor", ratioOf("5-of-9"), 0.98],
    ["each extra signer ≤ 0.65× the anchor's (worst shape)", worstSigner, 0.65],
  ] as const) {
    goals.push([goal, "", value.toFixed(3) + "×", value <= limit ? "yes" : "no"]);
  }
  printTable(goals, 2);

  console.log("\nContracts: runtime bytecode against the 24,576-byte limit (EIP-170), and deployment gas\n");
  const sizeRows = [["contract", "runtime bytes", "of limit", "deployment gas"]];
  for (const [name, size] of Object.entries(report.bytecode)) {
    sizeRows.push([name, fmt(size), ((100 * size) / EIP170_LIMIT).toFixed(1) + " %", fmt(report.deployment[name])]);
  }
  printTable(sizeRows, 2);

  const k = report.keeper;
  console.log(
    "\nGas: keeping the layers in sync, one move (VIX 15.00 → 31.50 engages layers 0 and 1), by each keeper path\n",
  );
  const keeperRows = [["path", "", "gas", "vs syncLayers"]];
  for (const [path, gas] of [
    ["HedgePolicy.syncLayers, sent directly (hedge:watch --sync)", k.syncLayers],
    ["HedgeUpkeep.performUpkeep (Automation registries, any keeper)", k.performUpkeep],
    ["CRE: KeystoneForwarder.report → HedgeUpkeep.onReport (f = 1)", k.creReport],
    ["CRE report when no sync is needed (refused, nothing changes)", k.creReportNothingToSync],
  ] as const) {
    keeperRows.push([path, "", fmt(gas), (gas >= k.syncLayers ? "+" : "") + fmt(gas - k.syncLayers)]);
  }
  printTable(keeperRows, 2);

  /** The breakdown of one of a shape's lifecycle transactions, its callees named by role. */
  const breakdownOf = async (shape: ShapeName, step: "submit" | "execute") => {
    const { hashes, system } = report.lifecycles[shape];
    const callees = {
      [await system.policy.getAddress()]: "calls to HedgePolicy (tier: version, isLoosening)",
      [await system.timelock.getAddress()]: "calls to TimelockController (incl. the setPolicy it runs)",
      [await system.seats.getAddress()]: "calls to CouncilSeats",
      "0x0000000000000000000000000000000000000001": "ecrecover (precompile 1)",
    };
    return gasBreakdown(hre, hashes[step], callees, system.council.interface);
  };
  const submit = await breakdownOf("3-of-5", "submit");
  const execute = await breakdownOf("3-of-5", "execute");
  console.log("\nWhere the 3-of-5 lifecycle's gas goes (struct-log trace of each transaction)\n");
  const buckets = [...new Set([...submit, ...execute].map(([name]) => name))];
  const of = (list: [string, number][], name: string) => list.find(([n]) => n === name)?.[1] ?? 0;
  const breakdownRows = [["bucket", "", "submit", "execute", "lifecycle"]];
  for (const name of buckets.sort((a, b) => of(submit, b) + of(execute, b) - of(submit, a) - of(execute, a))) {
    const total = of(submit, name) + of(execute, name);
    breakdownRows.push([name, "", fmt(of(submit, name)), fmt(of(execute, name)), fmt(total)]);
  }
  const sum = (list: [string, number][]) => list.reduce((a, [, g]) => a + g, 0);
  breakdownRows.push(["total", "", fmt(sum(submit)), fmt(sum(execute)), fmt(sum(submit) + sum(execute))]);
  printTable(breakdownRows, 2);

  // Each extra signer: the 5-of-9 submit against the 3-of-5 one, per signer (execute does not depend on the signers).
  const wide = await breakdownOf("5-of-9", "submit");
  const extra = SHAPES.find((s) => s.name === "5-of-9")!.k - SHAPES.find((s) => s.name === "3-of-5")!.k;
  console.log(`\nWhere each extra signer's gas goes (5-of-9 submit − 3-of-5 submit, / ${extra})\n`);
  const signerRows = [["bucket", "", "3-of-5 submit", "5-of-9 submit", "per extra signer"]];
  const signerBuckets = [...new Set([...submit, ...wide].map(([name]) => name))]
    .map((name) => ({ name, per: (of(wide, name) - of(submit, name)) / extra }))
    .sort((a, b) => b.per - a.per);
  for (const { name, per } of signerBuckets) {
    signerRows.push([name, "", fmt(of(submit, name)), fmt(of(wide, name)), fmt(Math.round(per))]);
  }
  signerRows.push(["total", "", fmt(sum(submit)), fmt(sum(wide)), fmt(Math.round((sum(wide) - sum(submit)) / extra))]);
  printTable(signerRows, 2);

  if (previous) {
    console.log(`\nAgainst the snapshot this run replaces (${path.relative(process.cwd(), file)} before this run)\n`);
    const changeRows = [["shape", "figure", "before", "now", "change"]];
    for (const { name } of SHAPES) {
      for (const figure of [
        "submitLifecycle",
        "onchainLifecycle",
        "fastNudge",
        "perExtraSigner",
        "seatChangeLifecycle",
      ]) {
        const before = previous[name]?.[figure];
        const now = report.shapes[name][figure as keyof (typeof report.shapes)[ShapeName]];
        if (before === undefined || before === 0) continue;
        changeRows.push([name, figure, fmt(before), fmt(now), percent(now, before)]);
      }
    }
    printTable(changeRows, 2);
  }

  writeFileSync(file, JSON.stringify(snapshotOf(report), null, 2) + "\n");
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
