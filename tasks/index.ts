// Every Hardhat task of Hedge Council, registered by importing this folder from hardhat.config.ts.
// One file per task; the shared machinery lives in scripts/lib (cli, errors, deployments, proposals, policy-edit,
// approvals-file). Nothing here may import typechain-types or scripts/lib/deploy at load time: on a fresh clone
// those exist only after `hardhat compile`, and this file is loaded with the config.
import "./deploy";
import "./status";
import "./propose";
import "./sign";
import "./approve";
import "./submit";
import "./queue";
import "./execute";
import "./veto";
import "./cancel";
import "./oracle";
import "./sync";
import "./time";
import "./audit";
import "./watch";
import "./demo";
