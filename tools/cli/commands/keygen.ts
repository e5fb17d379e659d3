import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { writeFileSync, existsSync } from 'node:fs';
import type { Command } from '../command';
import { required } from '../command';
import { UsageError } from '../output';

/** The firmware config's form of a public key: the 65-byte uncompressed P-256 point in hex. */
export function publicKeyHex(pem: string): string {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new UsageError(`not a P-256 public key (curve ${jwk.crv ?? 'unknown'})`, 'keygen');
  return '04' + Buffer.from(jwk.x, 'base64url').toString('hex') + Buffer.from(jwk.y, 'base64url').toString('hex');
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'make an ECDSA P-256 key pair for signing bundles',
  help: `Usage: reflasher keygen --out <prefix> [--force] [--json]

Writes <prefix>.pem (private key, PKCS#8, mode 0600) and <prefix>.pub.pem, and
prints the public key as the firmware config takes it (config.publicKey).

Options:
  --out <prefix>   where to write the two files
  --force          overwrite existing files

Examples:
  reflasher keygen --out keys/fleet
  reflasher keygen --out keys/fleet --json`,
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run(values, _positionals, out) {
    const prefix = required(values, 'out', 'keygen');
    const privatePath = `${prefix}.pem`;
    const publicPath = `${prefix}.pub.pem`;
    for (const p of [privatePath, publicPath]) {
      if (existsSync(p) && !values.force) throw new UsageError(`${p} exists; pass --force to overwrite it (the old key is lost)`, 'keygen');
    }
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(privatePath, privatePem, { mode: 0o600 });
    writeFileSync(publicPath, publicPem);
    const hex = publicKeyHex(publicPem);
    out.result(
      { ok: true, privateKey: privatePath, publicKey: publicPath, configPublicKey: hex },
      `wrote ${privatePath} (keep it secret) and ${publicPath}\nfirmware config publicKey: ${hex}`,
    );
    return 0;
  },
};
