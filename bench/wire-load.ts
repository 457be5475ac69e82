/**
 * The server-bound wire benchmark: PutRecords calls of 500 records, pre-built once, sent by a light load
 * generator (autocannon: HTTP/1.1, 8 keep-alive connections, one call in flight on each) to `serve`,
 * kinesalite and the null server, each in its own child process. The SDK-bound benchmark (server.ts)
 * spends ~9 µs per record in the client, so it measures the client; here the generator only writes
 * ready bytes and reads answers, so the server's CPU is what runs out.
 *
 * With 2 cores, the generator (this process) has one and the server under test the other. Each round
 * measures every server for the same short time, one after the other (odd rounds in reverse order), and
 * a ratio is the median of the ratios taken within each round, side by side under the same load from
 * the rest of the machine.
 *
 * Every answer is checked: a call counts only when it is a 200 whose FailedRecordCount is 0; anything
 * else (other statuses, failed records, socket errors, timeouts) is counted and reported as errors, and
 * the first answer of each round is read whole (500 entries, each with a sequence number).
 */
import {randomBytes} from 'node:crypto';
import {DeleteStreamCommand} from '@aws-sdk/client-kinesis';
import autocannon from 'autocannon';
import {processCpuSeconds} from './child-process.js';
import {median, type Figure} from './report.js';
import {createStream, makeClient, startServers} from './server.js';

const RECORD_BYTES = 100;
const BATCH = 500;
const CONNECTIONS = 8;
/** Distinct request bodies the connections take in turn, so records spread over the shards. */
const BODIES = 16;
/** The most calls one measurement sends, whatever its duration: a bound in count besides the time. */
const MAX_CALLS = 100_000;

type ServerName = 'serve' | 'kinesalite' | 'null';
type Target = {server: ServerName; url: string; pid: number};
type Sample = {
	/** Records stored per second (calls answered 200 with FailedRecordCount 0). */
	rate: number;
	/** The server's CPU time per stored record, µs. */
	serverCpu: number;
	/** The generator's share of its core over the measurement: near 1, it, not the server, is the limit. */
	generatorCpu: number;
	errors: number;
};

/**
 * What each call carries besides its body: the JSON 1.1 target and content type, and an Authorization
 * header shaped as SigV4's (serve without --verify-signatures and kinesalite check only its presence and
 * shape; kinesalite also wants X-Amz-Date).
 */
const HEADERS = {
	'Content-Type': 'application/x-amz-json-1.1',
	'X-Amz-Target': 'Kinesis_20131202.PutRecords',
	'X-Amz-Date': '20250101T000000Z',
	Authorization:
		'AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/kinesis/aws4_request, ' +
		`SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
};

/** The `Records` member of each body, JSON text: 500 records of random bytes and random keys. */
function makeRecordLists() {
	return Array.from({length: BODIES}, () =>
		JSON.stringify(
			Array.from({length: BATCH}, () => ({
				Data: randomBytes(RECORD_BYTES).toString('base64'),
				PartitionKey: randomBytes(8).toString('hex'),
			})),
		),
	);
}

const FAILED_RECORD_COUNT = /"FailedRecordCount":\s*(\d+)/;

/** The first answer of a measurement, read whole: a fast server must also be a right one. */
function checkWhole(server: ServerName, body: string) {
	const answer = JSON.parse(body) as {Records?: Array<{SequenceNumber?: string}>};
	const records = answer.Records ?? [];
	if (records.length !== BATCH || !records.every((record) => record.SequenceNumber)) {
		throw new Error(`${server} answered PutRecords without ${BATCH} sequence numbers: ${body}`);
	}
}

/** One measurement: `seconds` of PutRecords to one server's stream. */
async function measure(
	target: Target,
	stream: string,
	recordLists: string[],
	seconds: number,
): Promise<Sample> {
	const bodies = recordLists.map((records) =>
		Buffer.from(`{"StreamName":${JSON.stringify(stream)},"Records":${records}}`),
	);
	let stored = 0;
	let failed = 0;
	let firstError = '';
	let checked = false;
	// The time of the last answer: the measurement ends there, not when autocannon's timer notices.
	let last = 0n;
	const onResponse = (status: number, body: string) => {
		last = process.hrtime.bigint();
		const failedRecords = Number(FAILED_RECORD_COUNT.exec(body)?.[1] ?? Number.NaN);
		if (status !== 200 || failedRecords !== 0) {
			failed++;
			firstError ||= `${status} ${body.slice(0, 200)}`;
			return;
		}

		if (!checked) {
			checked = true;
			checkWhole(target.server, body);
		}

		stored += BATCH;
		if (stored >= MAX_CALLS * BATCH) instance.stop();
	};

	const cpuBefore = await processCpuSeconds(target.pid);
	const generatorBefore = process.cpuUsage();
	const start = process.hrtime.bigint();
	last = start;
	const instance = autocannon({
		url: target.url,
		connections: CONNECTIONS,
		pipelining: 1,
		duration: seconds,
		timeout: 10,
		requests: bodies.map((body) => ({
			method: 'POST',
			path: '/',
			headers: HEADERS,
			body,
			onResponse,
		})),
	});
	const result = await instance;
	const elapsed = Number(last - start) / 1e9;
	const generator = process.cpuUsage(generatorBefore);
	const serverCpu = (await processCpuSeconds(target.pid)) - cpuBefore;
	// Socket errors and timeouts never reach onResponse; non-2xx answers do (counted there).
	const errors = failed + result.errors + result.timeouts;
	if (errors > 0) {
		console.error(
			`  ${target.server}: ${errors} failed calls (${result.errors} errors, ${result.timeouts} timeouts)${firstError ? `; first: ${firstError}` : ''}`,
		);
	}

	return {
		rate: elapsed > 0 ? stored / elapsed : 0,
		serverCpu: stored > 0 ? (serverCpu * 1e6) / stored : Number.NaN,
		generatorCpu: (generator.user + generator.system) / 1e6 / elapsed,
		errors,
	};
}

export type WireLoadOptions = {
	/** Measured rounds; each gives every server `seconds`. */
	runs: number;
	seconds: number;
	log?: (line: string) => void;
};

export async function wireLoadBenchmarks(options: WireLoadOptions): Promise<Figure[]> {
	const log = options.log ?? (() => undefined);
	const servers = await startServers();
	const targets: Target[] = [
		{server: 'serve', url: servers.serve, pid: servers.pids.serve},
		{server: 'kinesalite', url: servers.kinesalite, pid: servers.pids.kinesalite},
		{server: 'null', url: servers.nullH1, pid: servers.pids.null},
	];
	const clients = new Map(targets.map((target) => [target, makeClient(target.url, 'h1')]));
	const recordLists = makeRecordLists();
	const samples = new Map<Target, Sample[]>(targets.map((target) => [target, []]));
	try {
		// Round 0 warms up the JIT of generator and servers and is not counted.
		for (let round = 0; round <= options.runs; round++) {
			const order = round % 2 === 1 ? [...targets].reverse() : targets;
			const stream = `load-${round}`;
			for (const target of order) await createStream(clients.get(target)!, stream);
			for (const target of order) {
				// The warm-up is as long as a round: after a 1 s one, serve's first counted round still
				// ran 10–30% slower than the others (its JIT not done on a busy machine).
				const sample = await measure(target, stream, recordLists, options.seconds);
				if (round > 0) samples.get(target)!.push(sample);
				log(
					`  round ${round}${round === 0 ? ' (warm-up)' : ''} ${target.server}: ${Math.round(sample.rate)} rec/s, ` +
						`server ${sample.serverCpu.toFixed(2)} µs/record, generator CPU ${sample.generatorCpu.toFixed(2)}, ${sample.errors} errors`,
				);
			}

			// serve keeps its records in memory: free them, so every round starts from the same store.
			for (const target of order) {
				await clients.get(target)!.send(new DeleteStreamCommand({StreamName: stream}));
			}
		}
	} finally {
		for (const client of clients.values()) client.destroy();
		await servers.stop();
	}

	const of = (server: ServerName) => samples.get(targets.find((t) => t.server === server)!)!;
	const ratio = (a: ServerName, b: ServerName) =>
		median(of(a).map((sample, round) => sample.rate / of(b)[round].rate));
	const figures: Figure[] = [];
	for (const {server} of targets) {
		figures.push({
			name: `PutRecords ${server}`,
			unit: 'rec/s',
			value: median(of(server).map((sample) => sample.rate)),
		});
	}

	figures.push(
		{
			name: '  serve ÷ kinesalite',
			unit: '×',
			value: ratio('serve', 'kinesalite'),
			decimals: 1,
			target: 20,
		},
		{name: '  serve ÷ null', unit: '×', value: ratio('serve', 'null'), decimals: 2, target: 0.5},
	);
	for (const {server} of targets) {
		figures.push({
			name: `server CPU ${server}`,
			unit: 'µs/record',
			value: median(of(server).map((sample) => sample.serverCpu)),
			decimals: 2,
		});
	}

	// On a machine shared with other work, neither a server nor the generator may get a whole core: what
	// a server stores per second of its own CPU is its capacity, and the fairer comparison.
	const capacityRatio = (a: ServerName, b: ServerName) =>
		median(of(a).map((sample, round) => of(b)[round].serverCpu / sample.serverCpu));
	figures.push(
		{
			name: '  serve ÷ kinesalite, by CPU',
			unit: '×',
			value: capacityRatio('serve', 'kinesalite'),
			decimals: 1,
			target: 20,
		},
		{
			name: '  serve ÷ null, by CPU',
			unit: '×',
			value: capacityRatio('serve', 'null'),
			decimals: 2,
			target: 0.5,
		},
	);
	for (const {server} of targets) {
		figures.push({
			name: `generator CPU vs ${server}`,
			unit: 'cores',
			value: median(of(server).map((sample) => sample.generatorCpu)),
			decimals: 2,
		});
	}

	// A bench whose calls fail says so: every failed call of every round, which must be none.
	for (const {server} of targets) {
		figures.push({
			name: `failed calls ${server}`,
			unit: 'calls',
			value: of(server).reduce((sum, sample) => sum + sample.errors, 0),
			target: 0,
			atMost: true,
		});
	}

	return figures;
}
