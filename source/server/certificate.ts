/**
 * A self-signed X.509 certificate for `serve --tls`, written as DER by hand: Node's crypto makes key
 * pairs and signatures but no certificates, `openssl` is not on every machine, and the libraries that
 * make them (node-forge under `selfsigned`, `@peculiar/x509` and its helpers) are far larger than the
 * one certificate shape needed here (RFC 5280 §4.1, ECDSA P-256 with SHA-256 as in RFC 5758 §3.2).
 *
 * It is an end-entity certificate — not a CA, so clients that refuse a CA used as a server's own
 * certificate (rustls, Go) accept it — for the names in its SubjectAltName, with the extensions strict
 * verifiers ask for (Python 3.13's VERIFY_X509_STRICT among them): basic constraints and key usage
 * marked critical, serverAuth, and key identifiers. Clients trust it by being given it as their CA
 * (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, `ca`).
 */
import {createHash, generateKeyPairSync, randomBytes, sign} from 'node:crypto';
import {isIP} from 'node:net';

export type CertificateOptions = {
	/** DNS names and IP addresses (v4 or v6) it is valid for; the first is also its common name. */
	names: readonly string[];
	/** From now (less an hour, for clocks a little behind) for this many days. */
	days: number;
	now?: Date;
};

export type CertificateAndKey = {certificatePem: string; keyPem: string};

/** One DER element: tag, definite length, contents (X.690 §8.1). */
function element(tag: number, ...contents: Buffer[]): Buffer {
	const body = Buffer.concat(contents);
	const length = body.length;
	let header: number[];
	if (length < 0x80) header = [tag, length];
	else if (length < 0x1_00) header = [tag, 0x81, length];
	else header = [tag, 0x82, length >> 8, length & 0xff];
	return Buffer.concat([Buffer.from(header), body]);
}

const sequence = (...contents: Buffer[]) => element(0x30, ...contents);
const set = (...contents: Buffer[]) => element(0x31, ...contents);
const octetString = (bytes: Buffer) => element(0x04, bytes);
const bitString = (bytes: Buffer) => element(0x03, Buffer.from([0]), bytes);
const booleanTrue = element(0x01, Buffer.from([0xff]));

function objectIdentifier(dotted: string): Buffer {
	const [first, second, ...rest] = dotted.split('.').map(Number);
	const bytes = [40 * first + second];
	for (const arc of rest) {
		// Base 128, most significant group first, every byte but the last with its high bit set.
		const groups = [arc & 0x7f];
		for (let value = arc >> 7; value > 0; value >>= 7) groups.unshift((value & 0x7f) | 0x80);
		bytes.push(...groups);
	}

	return element(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
function time(date: Date): Buffer {
	const iso = date.toISOString().replaceAll(/[-:T]/g, '').slice(0, 14) + 'Z';
	return date.getUTCFullYear() < 2050
		? element(0x17, Buffer.from(iso.slice(2)))
		: element(0x18, Buffer.from(iso));
}

/** An IP address's bytes, for a SubjectAltName iPAddress. */
function ipBytes(address: string): Buffer {
	if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
	// Expand `::` and read the eight 16-bit groups.
	const [head, tail = ''] = address.split('::');
	const headGroups = head ? head.split(':') : [];
	const tailGroups = tail ? tail.split(':') : [];
	const missing = address.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
	const groups = [...headGroups, ...Array.from({length: missing}, () => '0'), ...tailGroups];
	const bytes = Buffer.alloc(16);
	for (const [index, group] of groups.entries())
		bytes.writeUInt16BE(Number.parseInt(group, 16), 2 * index);
	return bytes;
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
	return sequence(objectIdentifier(oid), ...(critical ? [booleanTrue] : []), octetString(value));
}

const ECDSA_WITH_SHA256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));

/** A new P-256 key and a certificate for it, signed by itself. */
export function selfSignedCertificate(options: CertificateOptions): CertificateAndKey {
	if (options.names.length === 0) throw new Error('a certificate needs at least one name');
	const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
	const subjectPublicKeyInfo = publicKey.export({type: 'spki', format: 'der'});
	const keyIdentifier = createHash('sha1').update(subjectPublicKeyInfo).digest();
	const now = options.now ?? new Date();
	const notBefore = new Date(now.getTime() - 3_600_000);
	const notAfter = new Date(now.getTime() + options.days * 86_400_000);
	// A positive serial of up to 20 bytes (RFC 5280 §4.1.2.2): the high bit cleared, never zero.
	const serial = randomBytes(16);
	serial[0] = (serial[0] & 0x7f) | 0x01;
	const name = sequence(
		set(sequence(objectIdentifier('2.5.4.3'), element(0x0c, Buffer.from(options.names[0])))),
	);
	const alternativeNames = sequence(
		...options.names.map((each) =>
			isIP(each) ? element(0x87, ipBytes(each)) : element(0x82, Buffer.from(each, 'ascii')),
		),
	);
	const extensions = sequence(
		// Basic constraints, empty: not a CA.
		extension('2.5.29.19', true, sequence()),
		// Key usage: digitalSignature only (bit 0; the first byte says 7 bits of the last byte are unused).
		extension('2.5.29.15', true, element(0x03, Buffer.from([7, 0x80]))),
		// Extended key usage: TLS server authentication.
		extension('2.5.29.37', false, sequence(objectIdentifier('1.3.6.1.5.5.7.3.1'))),
		extension('2.5.29.17', false, alternativeNames),
		extension('2.5.29.14', false, octetString(keyIdentifier)),
		extension('2.5.29.35', false, sequence(element(0x80, keyIdentifier))),
	);
	const toBeSigned = sequence(
		element(0xa0, element(0x02, Buffer.from([2]))),
		element(0x02, serial),
		ECDSA_WITH_SHA256,
		name,
		sequence(time(notBefore), time(notAfter)),
		name,
		subjectPublicKeyInfo,
		element(0xa3, extensions),
	);
	const signature = sign('sha256', toBeSigned, privateKey);
	const certificate = sequence(toBeSigned, ECDSA_WITH_SHA256, bitString(signature));
	const base64Lines = certificate
		.toString('base64')
		.match(/.{1,64}/g)!
		.join('\n');
	return {
		certificatePem: `-----BEGIN CERTIFICATE-----\n${base64Lines}\n-----END CERTIFICATE-----\n`,
		keyPem: privateKey.export({type: 'pkcs8', format: 'pem'}) as string,
	};
}
