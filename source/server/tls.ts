/**
 * The certificate and key `serve --tls` presents: the user's own (`--cert FILE --key FILE`), or a
 * self-signed one (certificate.ts) kept in DIR/tls/ of the data directory, made on the first start and
 * made again only when it no longer fits (expiring within 30 days, missing a name the server is reached
 * by, unreadable). Keeping it lets clients trust it once: AWS_CA_BUNDLE=DIR/tls/cert.pem stays valid
 * from one run to the next. An in-memory server, which keeps nothing on disk across runs, makes one per
 * run in a private temporary directory and removes it when it stops.
 */
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {isIP} from 'node:net';
import {join} from 'node:path';
import {selfSignedCertificate} from './certificate.js';

export type TlsMaterial = {
	cert: string;
	key: string;
	/** Where the certificate is, for clients to trust (AWS_CA_BUNDLE). */
	certificatePath: string;
	/** Whether this start made it (else it was read from disk). */
	generated: boolean;
	/** Removes what only this run needed (an in-memory server's temporary directory). */
	dispose(): void;
};

const VALIDITY_DAYS = 365;
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The names a certificate for a server listening on `host` must cover: loopback, and `host` itself. */
export function certificateNames(host: string): string[] {
	const names = ['localhost', '127.0.0.1', '::1'];
	// A wildcard address is reached by whatever names the machine has: loopback's are what we know.
	const bare = host.replace(/^\[(.*)]$/, '$1');
	if (!['0.0.0.0', '::', ...names].includes(bare)) names.push(bare);
	return names;
}

function covers(certificate: X509Certificate, name: string) {
	return isIP(name)
		? certificate.checkIP(name) !== undefined
		: certificate.checkHost(name) !== undefined;
}

/** A stored certificate and key that still fit `names` for 30 days, or undefined. */
function reusable(certPath: string, keyPath: string, names: readonly string[], now: Date) {
	try {
		const cert = readFileSync(certPath, 'utf8');
		const key = readFileSync(keyPath, 'utf8');
		const certificate = new X509Certificate(cert);
		const fits =
			new Date(certificate.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS &&
			names.every((name) => covers(certificate, name)) &&
			certificate.checkPrivateKey(createPrivateKey(key));
		return fits ? {cert, key} : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The self-signed certificate in `directory` (DIR/tls of a data directory), made there when missing or
 * no longer fitting; without a directory, one made for this run in a temporary directory.
 */
export function selfSignedTls(
	directory: string | undefined,
	names: readonly string[],
	now = new Date(),
): TlsMaterial {
	const temporary = directory === undefined;
	const where = directory ?? mkdtempSync(join(tmpdir(), 'kinesis-top-serve-tls-'));
	const certificatePath = join(where, 'cert.pem');
	const keyPath = join(where, 'key.pem');
	const dispose = () => {
		if (temporary) rmSync(where, {recursive: true, force: true});
	};

	const stored = temporary ? undefined : reusable(certificatePath, keyPath, names, now);
	if (stored) return {...stored, certificatePath, generated: false, dispose};
	const made = selfSignedCertificate({names, days: VALIDITY_DAYS, now});
	mkdirSync(where, {recursive: true, mode: 0o700});
	// The key first and private to this user: a certificate without its key is of no use.
	writeFileSync(keyPath, made.keyPem, {mode: 0o600});
	writeFileSync(certificatePath, made.certificatePem);
	return {cert: made.certificatePem, key: made.keyPem, certificatePath, generated: true, dispose};
}

/** The user's own certificate and key (`--cert`, `--key`), checked to be readable and a pair. */
export function tlsFromFiles(certificatePath: string, keyPath: string): TlsMaterial {
	const read = (path: string, what: string) => {
		try {
			return readFileSync(path, 'utf8');
		} catch (error) {
			throw new Error(`cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code})`);
		}
	};

	const cert = read(certificatePath, 'certificate');
	const key = read(keyPath, 'key');
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(cert);
	} catch {
		throw new Error(`${certificatePath} is not a PEM certificate`);
	}

	let privateKey;
	try {
		privateKey = createPrivateKey(key);
	} catch {
		throw new Error(`${keyPath} is not a PEM private key (an encrypted key is not supported)`);
	}

	if (!certificate.checkPrivateKey(privateKey)) {
		throw new Error(`the key ${keyPath} is not the key of the certificate ${certificatePath}`);
	}

	return {cert, key, certificatePath, generated: false, dispose: () => undefined};
}
