// A proposal's description and its hash. As in OpenZeppelin Governor, the proposal id commits to
// descriptionHash = keccak256 of the text's UTF-8 bytes, and the text itself is on chain in `ProposalCreated`: it
// cannot be swapped after the seats signed, and any copy of it (a signatures file, the event) proves itself by its
// hash.
import { id as keccakUtf8 } from "ethers";

/** The description hash of a proposal described by `text`: keccak256 of its UTF-8 bytes, lower-case hex. */
export function descriptionHash(text: string): string {
  return keccakUtf8(text).toLowerCase();
}

/** Whether `text` is the description a proposal with this description hash committed to. */
export function isDescriptionOf(text: string, hash: string): boolean {
  return descriptionHash(text) === hash.toLowerCase();
}
