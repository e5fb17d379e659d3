/**
 * Test-only PKI, generated fresh by openssl in a temporary folder on every
 * run (nothing here is ever committed): a CA that signs the loopback server's
 * certificate, and a second, unrelated CA the client does not trust.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** PEM of the CA that signed `serverCert`. */
  caCert: string;
  /** PEM of a CA that signed nothing the server presents. */
  otherCaCert: string;
  serverKey: string;
  serverCert: string;
  /** Server certificate signed by the other CA, for the unknown-CA case. */
  rogueKey: string;
  rogueCert: string;
  dir: string;
  dispose(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function makeLeaf(dir: string, name: string, ca: string, ips: readonly string[]): void {
  const san = [...ips.map((ip) => `IP:${ip}`), 'DNS:localhost'].join(',');
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=127.0.0.1']);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
    '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

/** @param ips the addresses the server's certificate names (the device tier adds QEMU's 10.0.2.2). */
export function makeTestPki({ ips = ['127.0.0.1'] }: { ips?: readonly string[] } = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'xsr-pki-'));
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'server', 'test-ca', ips);
  makeLeaf(dir, 'rogue', 'other-ca', ips);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    caCert: read('test-ca.pem'),
    otherCaCert: read('other-ca.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
    rogueKey: read('rogue.key'),
    rogueCert: read('rogue.pem'),
    dir,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
