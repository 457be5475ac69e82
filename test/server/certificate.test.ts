/**
 * The self-signed certificate `serve --tls` writes by hand in DER, read back by Node's own X.509 parser
 * and, where it is installed, by `openssl` with its strict checks (as Python 3.13 applies them); and
 * where it is kept (tls.ts): made once in the data directory, reused, made again when it no longer fits.
 */
import {execFileSync} from 'node:child_process';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {selfSignedCertificate} from '../../source/server/certificate.js';
import {certificateNames, selfSignedTls, tlsFromFiles} from '../../source/server/tls.js';

const directories: string[] = [];
function temporaryDirectory() {
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-certificate-'));
	directories.push(directory);
	return directory;
}

afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function hasOpenssl() {
	try {
		execFileSync('openssl', ['version'], {stdio: 'pipe'});
		return true;
	} catch {
		return false;
	}
}

describe('selfSignedCertificate', () => {
	const now = new Date('2026-06-01T12:00:00Z');
	const made = selfSignedCertificate({
		names: ['localhost', '127.0.0.1', '::1', 'kinesis.internal', '10.1.2.3', 'fd00::1:2'],
		days: 365,
		now,
	});
	const certificate = new X509Certificate(made.certificatePem);

	test('Node reads it: its names, its validity, signed by its own key, which is the key given', () => {
		expect(certificate.subject).toBe('CN=localhost');
		expect(certificate.issuer).toBe('CN=localhost');
		expect(certificate.subjectAltName).toBe(
			'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:kinesis.internal, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:1:2',
		);
		expect(new Date(certificate.validFrom)).toEqual(new Date('2026-06-01T11:00:00Z'));
		expect(new Date(certificate.validTo)).toEqual(new Date('2027-06-01T12:00:00Z'));
		expect(certificate.ca).toBe(false);
		expect(certificate.verify(certificate.publicKey)).toBe(true);
		expect(certificate.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
		expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
		expect(certificate.checkIP('::1')).toBe('::1');
		expect(certificate.checkHost('localhost')).toBe('localhost');
		expect(certificate.checkIP('10.9.9.9')).toBeUndefined();
		expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
	});

	test('each has its own key and serial', () => {
		const other = new X509Certificate(
			selfSignedCertificate({names: ['localhost'], days: 1, now}).certificatePem,
		);
		expect(other.serialNumber).not.toBe(certificate.serialNumber);
		expect(other.verify(certificate.publicKey)).toBe(false);
	});

	test('after 2049 the dates are GeneralizedTime (RFC 5280 §4.1.2.5)', () => {
		const late = new X509Certificate(
			selfSignedCertificate({
				names: ['localhost'],
				days: 400,
				now: new Date('2049-12-01T00:00:00Z'),
			}).certificatePem,
		);
		expect(new Date(late.validTo)).toEqual(new Date('2051-01-05T00:00:00Z'));
	});

	test.runIf(hasOpenssl())('openssl verifies it strictly as its own trust anchor', () => {
		const directory = temporaryDirectory();
		const path = join(directory, 'cert.pem');
		const current = selfSignedCertificate({names: ['localhost', '127.0.0.1'], days: 30});
		writeFileSync(path, current.certificatePem);
		const verified = execFileSync(
			'openssl',
			['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', path, path],
			{encoding: 'utf8'},
		);
		expect(verified.trim()).toBe(`${path}: OK`);
		const text = execFileSync('openssl', ['x509', '-in', path, '-noout', '-text'], {
			encoding: 'utf8',
		});
		expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
		expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
		expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
	});
});

describe('where serve --tls keeps its certificate', () => {
	test('made once in the directory (the key private), then reused from one start to the next', () => {
		const directory = join(temporaryDirectory(), 'tls');
		const first = selfSignedTls(directory, certificateNames('127.0.0.1'));
		expect(first.generated).toBe(true);
		expect(first.certificatePath).toBe(join(directory, 'cert.pem'));
		expect(statSync(join(directory, 'key.pem')).mode & 0o777).toBe(0o600);
		const second = selfSignedTls(directory, certificateNames('127.0.0.1'));
		expect(second.generated).toBe(false);
		expect(second.cert).toBe(first.cert);
		second.dispose();
		expect(existsSync(second.certificatePath)).toBe(true);
	});

	test('made again when it does not cover the host, expires within 30 days, or is damaged', () => {
		const directory = join(temporaryDirectory(), 'tls');
		const first = selfSignedTls(directory, certificateNames('127.0.0.1'));
		const otherHost = selfSignedTls(directory, certificateNames('10.0.0.7'));
		expect(otherHost.generated).toBe(true);
		expect(new X509Certificate(otherHost.cert).checkIP('10.0.0.7')).toBe('10.0.0.7');
		expect(otherHost.cert).not.toBe(first.cert);
		const later = new Date(Date.now() + 340 * 86_400_000);
		expect(selfSignedTls(directory, certificateNames('10.0.0.7'), later).generated).toBe(true);
		writeFileSync(join(directory, 'key.pem'), 'garbage');
		const repaired = selfSignedTls(directory, certificateNames('127.0.0.1'));
		expect(repaired.generated).toBe(true);
		expect(readFileSync(join(directory, 'key.pem'), 'utf8')).toBe(repaired.key);
	});

	test('in memory: made per run in a temporary directory, removed when disposed', () => {
		const tls = selfSignedTls(undefined, certificateNames('0.0.0.0'));
		expect(existsSync(tls.certificatePath)).toBe(true);
		expect(new X509Certificate(tls.cert).checkHost('localhost')).toBe('localhost');
		tls.dispose();
		expect(existsSync(tls.certificatePath)).toBe(false);
	});

	test('certificateNames: loopback always, the host when it is a specific one', () => {
		expect(certificateNames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1']);
		expect(certificateNames('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '::1']);
		expect(certificateNames('::')).toEqual(['localhost', '127.0.0.1', '::1']);
		expect(certificateNames('192.168.1.5')).toEqual([
			'localhost',
			'127.0.0.1',
			'::1',
			'192.168.1.5',
		]);
	});

	test('--cert/--key: read and checked to be a pair, with errors that say what is wrong', () => {
		const directory = temporaryDirectory();
		const write = (name: string, text: string) => {
			writeFileSync(join(directory, name), text);
			return join(directory, name);
		};

		const one = selfSignedCertificate({names: ['localhost'], days: 10});
		const two = selfSignedCertificate({names: ['localhost'], days: 10});
		const cert = write('cert.pem', one.certificatePem);
		const key = write('key.pem', one.keyPem);
		expect(tlsFromFiles(cert, key)).toMatchObject({
			cert: one.certificatePem,
			certificatePath: cert,
		});
		const otherKey = write('other.pem', two.keyPem);
		expect(() => tlsFromFiles(cert, otherKey)).toThrow(
			`the key ${otherKey} is not the key of the certificate ${cert}`,
		);
		expect(() => tlsFromFiles(join(directory, 'missing.pem'), key)).toThrow(
			`cannot read the certificate ${join(directory, 'missing.pem')} (ENOENT)`,
		);
		expect(() => tlsFromFiles(key, key)).toThrow(`${key} is not a PEM certificate`);
		expect(() => tlsFromFiles(cert, cert)).toThrow(`${cert} is not a PEM private key`);
	});
});
