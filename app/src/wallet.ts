// Wallets: any EIP-1193 provider, discovered with EIP-6963 (each wallet announces itself on the window), with the
// legacy `window.ethereum` as a fallback. The console reads through its own RPC URL and uses the wallet only to
// sign and send, so it works read-only without one.
import { useEffect, useState } from "react";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

export interface WalletInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}

export interface DiscoveredWallet {
  info: WalletInfo;
  provider: Eip1193;
}

/** The wallets that announced themselves (EIP-6963), updated as they do. */
export function useWallets(): DiscoveredWallet[] {
  const [wallets, setWallets] = useState<DiscoveredWallet[]>([]);
  useEffect(() => {
    const onAnnounce = (event: Event) => {
      const detail = (event as CustomEvent<DiscoveredWallet>).detail;
      if (!detail?.info?.uuid || !detail.provider) return;
      setWallets((list) => (list.some((w) => w.info.uuid === detail.info.uuid) ? list : [...list, detail]));
    };
    window.addEventListener("eip6963:announceProvider", onAnnounce);
    window.dispatchEvent(new Event("eip6963:requestProvider"));
    const legacy = (window as unknown as { ethereum?: Eip1193 }).ethereum;
    const timer = setTimeout(() => {
      if (!legacy) return;
      setWallets((list) =>
        list.length > 0 || list.some((w) => w.provider === legacy)
          ? list
          : [...list, { info: { uuid: "legacy", name: "Browser wallet", icon: "", rdns: "" }, provider: legacy }],
      );
    }, 300);
    return () => {
      window.removeEventListener("eip6963:announceProvider", onAnnounce);
      clearTimeout(timer);
    };
  }, []);
  return wallets;
}

export interface Connection {
  wallet: DiscoveredWallet;
  account: string;
  chainId: number;
}

export async function connect(wallet: DiscoveredWallet): Promise<Connection> {
  const accounts = (await wallet.provider.request({ method: "eth_requestAccounts" })) as string[];
  if (!accounts?.length) throw new Error("the wallet shared no account");
  const chainId = Number(await wallet.provider.request({ method: "eth_chainId" }));
  return { wallet, account: accounts[0], chainId };
}

/** Asks the wallet to switch to `chainId` (EIP-3326). */
export async function switchChain(wallet: DiscoveredWallet, chainId: number): Promise<void> {
  await wallet.provider.request({
    method: "wallet_switchEthereumChain",
    params: [{ chainId: `0x${chainId.toString(16)}` }],
  });
}
