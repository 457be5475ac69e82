/**
 * The real AWS CLIs and boto3s on this machine, for the third-party-client tests: the `aws` and the
 * `python3` first on PATH, and Debian's in /usr/bin where they are other installations (a pip or pyenv
 * install first on PATH and Debian's packages then cover two generations on one machine). What differs
 * between generations is asked from each client, never assumed: the CLI's major version (v1 sends a
 * blob argument such as `--data` as is, v2 as base64) and the protocol boto3's botocore picks for
 * CloudWatch. A candidate that is missing or does not work is kept with the reason, for the test output.
 */
import {execFileSync} from 'node:child_process';
import {accessSync, constants, realpathSync} from 'node:fs';
import {delimiter, join} from 'node:path';
import {expect, test} from 'vitest';

export type AwsCli = {
	command: string;
	/** What `aws --version` said, e.g. `aws-cli/1.45.11 Python/3.11.7 … botocore/1.43.11`. */
	version: string;
	/** The CLI's own version alone, e.g. `1.45.11`. */
	release: string;
	major: number;
};

export type Boto3 = {
	command: string;
	boto3: string;
	botocore: string;
	/** The protocol this botocore speaks to CloudWatch: `query`, `json` or `smithy-rpc-v2-cbor`. */
	cloudWatchProtocol: string;
};

export type Absent = {command: string; reason: string};

export type Found<Client> = {clients: Client[]; absent: Absent[]};

/** Where `name` resolves on PATH, as a shell would find it; undefined when nowhere. */
function onPath(name: string): string | undefined {
	for (const directory of (process.env.PATH ?? '').split(delimiter)) {
		const candidate = join(directory || '.', name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not here: the next directory.
		}
	}

	return undefined;
}

/** PATH's `name` first, then `fallback` (from Debian's `debian`); absent ones with their reason. */
function candidates(name: string, fallback: string, debian: string) {
	const found: string[] = [];
	const absent: Absent[] = [];
	const first = onPath(name);
	if (first) found.push(first);
	else absent.push({command: name, reason: 'not on PATH'});
	try {
		accessSync(fallback, constants.X_OK);
		found.push(fallback);
	} catch {
		absent.push({
			command: fallback,
			reason: `not installed: Debian's ${debian}, which .ci/run installs`,
		});
	}

	return {found, absent};
}

type Probe = {ok: true; stdout: string} | {ok: false; reason: string};

function probe(command: string, args: string[]): Probe {
	try {
		const stdout = execFileSync(command, args, {stdio: 'pipe', timeout: 30_000, encoding: 'utf8'});
		return {ok: true, stdout};
	} catch (error) {
		const {stderr, message} = error as {stderr?: string; message: string};
		// The last line of a traceback or of pyenv's complaint says what is missing.
		const said = (stderr ?? '').trim().split('\n').at(-1) || message;
		return {ok: false, reason: said};
	}
}

/** The AWS CLIs: PATH's `aws`, then /usr/bin/aws (Debian's `awscli`) when it is another one. */
export function findAwsClis(): Found<AwsCli> {
	const {found, absent} = candidates('aws', '/usr/bin/aws', 'awscli');
	const clients: AwsCli[] = [];
	const seen = new Set<string>();
	for (const command of found) {
		const real = realpathSync(command);
		if (seen.has(real)) continue;
		seen.add(real);
		const run = probe(command, ['--version']);
		const version = run.ok ? run.stdout.trim() : '';
		const release = /^aws-cli\/((\d+)\.\S+)/.exec(version);
		if (release) clients.push({command, version, release: release[1], major: Number(release[2])});
		else absent.push({command, reason: run.ok ? `\`--version\` says "${version}"` : run.reason});
	}

	return {clients, absent};
}

/**
 * A blob as this CLI reads it by default, as an argument (`--data`) or inside a JSON argument
 * (`--record '{"Data": …}'`): v1 takes the text as the bytes, v2 takes base64 (unless
 * `cli_binary_format = raw-in-base64-out`).
 */
export const blobArgument = (aws: AwsCli, text: string) =>
	aws.major === 1 ? text : Buffer.from(text).toString('base64');

const BOTO3_PROBE = String.raw`
import json, os, boto3, botocore, botocore.session
print(json.dumps({
    "boto3": boto3.__version__,
    "botocore": botocore.__version__,
    "cloudWatchProtocol": botocore.session.get_session().get_service_model("cloudwatch").protocol,
    "location": os.path.realpath(botocore.__file__),
}))
`;

/** The boto3s: that of PATH's `python3`, then /usr/bin/python3's (Debian's `python3-boto3`) when another. */
export function findBoto3s(): Found<Boto3> {
	const {found, absent} = candidates('python3', '/usr/bin/python3', 'python3-boto3');
	const clients: Boto3[] = [];
	const seen = new Set<string>();
	for (const command of found) {
		const run = probe(command, ['-c', BOTO3_PROBE]);
		if (!run.ok) {
			const hint =
				command === '/usr/bin/python3' ? "; Debian's python3-boto3 is what .ci/run installs" : '';
			absent.push({command, reason: run.reason + hint});
			continue;
		}

		// Two pythons can share one boto3 (PATH's python3 is /usr/bin/python3): run it once.
		const {location, ...versions} = JSON.parse(run.stdout) as Omit<Boto3, 'command'> & {
			location: string;
		};
		if (seen.has(location)) continue;
		seen.add(location);
		clients.push({command, ...versions});
	}

	return {clients, absent};
}

/**
 * The protocol a CLI spoke to CloudWatch, read from what botocore logs with `--debug` before it sends
 * a request (the CLI pins it: aws-cli 1.45 sends JSON 1.0 where its own botocore's boto3 sends CBOR).
 */
export function cloudWatchProtocolInDebugLog(stderr: string): string | undefined {
	const request = stderr.split('\n').find((line) => line.includes('Making request for'));
	if (!request) return undefined;
	if (request.includes('rpc-v2-cbor') || request.includes('/operation/')) {
		return 'smithy-rpc-v2-cbor';
	}

	if (request.includes("'X-Amz-Target': 'GraniteServiceVersion20100801.")) return 'json';
	if (request.includes("'Action': ")) return 'query';
	return undefined;
}

/**
 * Whether a machine must have the clients: .ci/run sets KINESIS_TOP_THIRD_PARTY_CLIENTS=required after
 * installing Debian's, so that CI cannot pass by skipping them. Elsewhere a missing client is a note.
 */
export const clientsRequired = process.env.KINESIS_TOP_THIRD_PARTY_CLIENTS === 'required';

/**
 * Each client that was not run, and why, as a test of its own so that the test output says so: allowed
 * where another of its kind ran, or where the machine need not have them (not CI).
 */
export function testAbsentClients(awsClis: Found<AwsCli>, boto3s: Found<Boto3>) {
	for (const [kind, found] of [
		['the AWS CLI', awsClis],
		['boto3', boto3s],
	] as const) {
		for (const {command, reason} of found.absent) {
			test(`${kind} at ${command}: not run here (${reason})`, () => {
				console.log(`third-party clients: skipped ${kind} at ${command}: ${reason}`);
				expect(
					found.clients.length > 0 || !clientsRequired,
					`${kind}: none ran, and KINESIS_TOP_THIRD_PARTY_CLIENTS=required`,
				).toBe(true);
			});
		}
	}
}

/** Says when none ran; in CI (Debian's clients installed by .ci/run) one of each kind must have. */
export function expectClientsRan(awsClis: Found<AwsCli>, boto3s: Found<Boto3>) {
	if (awsClis.clients.length + boto3s.clients.length === 0) {
		console.log("third-party clients: ran none (the tests '… not run here' say why)");
	}

	for (const [kind, found] of [
		['the AWS CLI', awsClis],
		['boto3', boto3s],
	] as const) {
		expect(found.clients.length > 0 || !clientsRequired, `${kind}: none ran`).toBe(true);
	}
}
