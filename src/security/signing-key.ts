/**
 * The Ed25519 key that signs checkpoints and purge records: made at first start in the data folder
 * (`integrity/ed25519.pem`, readable by the owner only), published through
 * `GET /api/v1/integrity/publicKey`. Its id is the first 16 hex digits of the SHA-256 of the public
 * key (DER), so a verifier can tell which key signed what after a rotation.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface PublicKeyInfo {
  keyId: string;
  algorithm: 'Ed25519';
  /** SPKI PEM. */
  publicKey: string;
  jwk: Record<string, unknown>;
}

export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

export function keyFile(dataDir: string): string {
  return path.join(dataDir, 'integrity', 'ed25519.pem');
}

/** Loads the data folder's signing key, making it on first use. */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const file = keyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': never overwrite a key another process made meanwhile.
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function publicKeyInfo(key: Pick<SigningKey, 'keyId' | 'publicKey'>): PublicKeyInfo {
  return {
    keyId: key.keyId,
    algorithm: 'Ed25519',
    publicKey: String(key.publicKey.export({ type: 'spki', format: 'pem' })),
    jwk: { ...key.publicKey.export({ format: 'jwk' }), kid: key.keyId, alg: 'EdDSA', use: 'sig' },
  };
}
