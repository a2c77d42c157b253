declare module "virtual:hedge-abi" {
  export const ABIS: Record<string, import("ethers").InterfaceAbi>;
}
