// A proposal's description and its salt. Like OpenZeppelin Governor's descriptionHash, the salt of a described
// proposal is keccak256 of the text's UTF-8 bytes: the proposal id commits to the text, so the text cannot be
// swapped after the seats signed, and any copy of it (a signatures file, a .txt file) proves itself by its hash.
import { id as keccakUtf8 } from "ethers";

/** The salt of a proposal described by `text`: keccak256 of its UTF-8 bytes, lower-case hex. */
export function descriptionSalt(text: string): string {
  return keccakUtf8(text).toLowerCase();
}

/** Whether `text` is the description a proposal with this salt committed to. */
export function isDescriptionOf(text: string, salt: string): boolean {
  return descriptionSalt(text) === salt.toLowerCase();
}
