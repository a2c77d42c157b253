// The browser build's stand-in for the `keccak` package (a native binding): scripts/lib/council/ids.ts falls back to
// the keccak of ethers when `require` is missing, as in a browser, so this is never called.
export default null;
