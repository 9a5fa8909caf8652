// A file's identity is its first line (Vector's "checksum" fingerprint), not its name or
// inode: names change on rotation, inodes are reused after deletion, and a copytruncate
// copy is a new inode holding the same content. Gateway lines carry a timestamp and a
// session id, so two files with the same first line are the same content.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** The first line is cut here: enough to be unique, small enough to re-check every poll. */
export const FINGERPRINT_MAX_BYTES = 1024;

/**
 * The fingerprint bytes (first line with its '\n', or the first FINGERPRINT_MAX_BYTES),
 * or null while the file does not hold that much yet.
 */
export async function readFingerprint(fh: FileHandle, scratch: Buffer): Promise<Buffer | null> {
  const { bytesRead } = await fh.read(scratch, 0, FINGERPRINT_MAX_BYTES, 0);
  const nl = scratch.subarray(0, bytesRead).indexOf(10);
  if (nl >= 0) return Buffer.from(scratch.subarray(0, nl + 1));
  return bytesRead === FINGERPRINT_MAX_BYTES ? Buffer.from(scratch.subarray(0, bytesRead)) : null;
}

/** Whether the file still starts with `fp`: false once truncated or rewritten. */
export async function startsWith(fh: FileHandle, fp: Buffer, scratch: Buffer): Promise<boolean> {
  const { bytesRead } = await fh.read(scratch, 0, fp.length, 0);
  return bytesRead === fp.length && fp.compare(scratch, 0, bytesRead) === 0;
}

/**
 * What is saved in the positions file: a hash, because the first line holds a subscriber
 * number (personal data) that must not be copied into the state folder.
 */
export function fingerprintId(fp: Buffer): string {
  return createHash('sha256').update(fp).digest('hex').slice(0, 32);
}
