/**
 * The wire benchmark: the same AWS SDK v3 client code (@aws-sdk/client-kinesis) against `kinesis-top
 * serve`, kinesalite and the null server (bench/null-server.ts, the ceiling for this client), over
 * HTTP/2 (the SDK's default handler, h2c) and HTTP/1.1 (NodeHttpHandler, keep-alive). Kinesalite only
 * speaks HTTP/1.1.
 *
 * Each server runs in its own child process: the client then has the benchmark's event loop to itself
 * and the server its own, as in real use, and no server's garbage collection pauses the client (or
 * another server). Every run measures every target one after the other, so the ratios compare figures
 * taken side by side under the same load from the rest of the machine.
 */
import {randomBytes} from 'node:crypto';
import {Agent} from 'node:http';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import {
	CreateStreamCommand,
	DeleteStreamCommand,
	DescribeStreamSummaryCommand,
	GetRecordsCommand,
	GetShardIteratorCommand,
	KinesisClient,
	ListShardsCommand,
	PutRecordCommand,
	PutRecordsCommand,
	type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {processCpuSeconds, spawnServer, stopChild} from './child-process.js';
import {median, type Figure} from './report.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RECORD_BYTES = 100;
const BATCH = 500;
export const SHARDS = 4;
/** PutRecords calls in flight at once, as a producer with a few threads (or a KPL) keeps. */
const CONCURRENCY = 8;
const PAGE = 10_000;

type Protocol = 'h2' | 'h1';
type ServerName = 'serve' | 'kinesalite' | 'null';
type Target = {server: ServerName; protocol: Protocol; client: KinesisClient; serverPid: number};
type Sizes = {records: number; sequential: number};
type Sample = {
	put: number;
	/** Records PutRecords stored per second of the server process's own CPU time: its capacity. */
	putPerServerCpu: number;
	calls: number;
	p50: number;
	p99: number;
	read: number;
};

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** The three servers, each in its own process. */
export async function startServers() {
	const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
	const serve = await spawnServer(
		[
			here('../../bin/kinesis-top.js'),
			'serve',
			'--in-memory',
			'--no-limits',
			'--port',
			'0',
			'--create-ms',
			'0',
			'--delete-ms',
			'0',
		],
		/on (http:\/\/\S+) /,
	);
	// Kinesalite's command line cannot take port 0: start it from a one-line script instead. With no
	// `path` it keeps its store in memory (memdown), so it needs none of its optional native modules.
	const kinesalitePath = createRequire(import.meta.url).resolve('kinesalite');
	const kinesalite = await spawnServer(
		[
			'-e',
			`const server = require(${JSON.stringify(kinesalitePath)})({createStreamMs: 0, deleteStreamMs: 0, shardLimit: 1000});` +
				`server.listen(0, '127.0.0.1', () => console.log('kinesalite http://127.0.0.1:' + server.address().port));`,
		],
		/^kinesalite (\S+)/,
	);
	const nullServer = await spawnServer([here('./null-server.js')], /h2=(\S+) h1=(\S+)/);
	return {
		serve: serve.match[1],
		kinesalite: kinesalite.match[1],
		nullH2: nullServer.match[1],
		nullH1: nullServer.match[2],
		pids: {serve: serve.child.pid!, kinesalite: kinesalite.child.pid!, null: nullServer.child.pid!},
		stop: () =>
			Promise.all(
				[serve.child, kinesalite.child, nullServer.child].map((child) => stopChild(child)),
			),
	};
}

/** The one client code: the SDK's default (HTTP/2) handler, or its HTTP/1.1 keep-alive handler. */
export function makeClient(endpoint: string, protocol: Protocol) {
	return new KinesisClient({
		endpoint,
		region: 'us-east-1',
		credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'},
		maxAttempts: 1,
		...(protocol === 'h1'
			? {
					requestHandler: new NodeHttpHandler({
						httpAgent: new Agent({keepAlive: true, maxSockets: CONCURRENCY}),
					}),
				}
			: {}),
	});
}

function makeBatches(records: number): PutRecordsRequestEntry[][] {
	const payload = randomBytes(records * RECORD_BYTES);
	const batches: PutRecordsRequestEntry[][] = [];
	for (let i = 0; i < records; i += BATCH) {
		const batch: PutRecordsRequestEntry[] = [];
		for (let j = i; j < Math.min(records, i + BATCH); j++) {
			batch.push({
				PartitionKey: randomBytes(8).toString('hex'),
				Data: payload.subarray(j * RECORD_BYTES, (j + 1) * RECORD_BYTES),
			});
		}

		batches.push(batch);
	}

	return batches;
}

export async function createStream(client: KinesisClient, StreamName: string) {
	await client.send(new CreateStreamCommand({StreamName, ShardCount: SHARDS}));
	for (let attempt = 0; attempt < 500; attempt++) {
		const {StreamDescriptionSummary: summary} = await client.send(
			new DescribeStreamSummaryCommand({StreamName}),
		);
		if (summary?.StreamStatus === 'ACTIVE') return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}

	throw new Error(`stream ${StreamName} never became ACTIVE`);
}

/** PutRecords of every batch, CONCURRENCY calls in flight: records per second. */
async function timePutRecords(
	client: KinesisClient,
	StreamName: string,
	batches: PutRecordsRequestEntry[][],
) {
	let next = 0;
	let records = 0;
	const start = process.hrtime.bigint();
	const worker = async () => {
		while (next < batches.length) {
			const Records = batches[next++];
			const output = await client.send(new PutRecordsCommand({StreamName, Records}));
			if (output.FailedRecordCount) throw new Error(`${output.FailedRecordCount} records failed`);
			records += Records.length;
		}
	};

	await Promise.all(Array.from({length: CONCURRENCY}, worker));
	return records / seconds(start);
}

/** One PutRecord at a time: calls per second and the latency percentiles, in microseconds. */
async function timePutRecord(client: KinesisClient, StreamName: string, calls: number) {
	const latencies: number[] = [];
	const Data = randomBytes(RECORD_BYTES);
	const start = process.hrtime.bigint();
	for (let i = 0; i < calls; i++) {
		const sent = process.hrtime.bigint();
		await client.send(new PutRecordCommand({StreamName, PartitionKey: `key-${i}`, Data}));
		latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
	}

	const rate = calls / seconds(start);
	latencies.sort((a, b) => a - b);
	const at = (fraction: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))];
	return {calls: rate, p50: at(0.5), p99: at(0.99)};
}

/**
 * GetRecords from TRIM_HORIZON on every shard at once, pages of 10,000, until each shard is read to
 * its tip or `expected` records came back (the null server's pages never end): records per second.
 */
async function timeReadBack(client: KinesisClient, StreamName: string, expected: number) {
	const {Shards: shards = []} = await client.send(new ListShardsCommand({StreamName}));
	let read = 0;
	const start = process.hrtime.bigint();
	await Promise.all(
		shards.map(async ({ShardId}) => {
			let {ShardIterator} = await client.send(
				new GetShardIteratorCommand({StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON'}),
			);
			while (ShardIterator && read < expected) {
				const page = await client.send(new GetRecordsCommand({ShardIterator, Limit: PAGE}));
				const count = page.Records?.length ?? 0;
				read += count;
				if (count === 0 && page.MillisBehindLatest === 0) break;
				ShardIterator = page.NextShardIterator;
			}
		}),
	);
	const rate = read / seconds(start);
	if (read < expected) throw new Error(`read back ${read} of ${expected} records`);
	return rate;
}

/**
 * One run: each phase (PutRecords, PutRecord, read-back) for every target in turn, so the figures a
 * ratio compares are taken within seconds of each other; odd runs take the targets in reverse order,
 * so a drift in the machine's load favours none of them.
 */
async function measureRun(
	targets: Target[],
	run: string,
	sizes: Sizes,
	batches: PutRecordsRequestEntry[][],
	reverse: boolean,
) {
	const order = reverse ? [...targets].reverse() : targets;
	// One stream per target: serve's two protocols share one server.
	const streamOf = (target: Target) => `bench-${run}-${target.server}-${target.protocol}`;
	const samples = new Map<Target, Sample>();
	for (const target of order) await createStream(target.client, streamOf(target));
	for (const target of order) {
		const cpuBefore = await processCpuSeconds(target.serverPid);
		const put = await timePutRecords(target.client, streamOf(target), batches);
		const serverCpu = (await processCpuSeconds(target.serverPid)) - cpuBefore;
		const putPerServerCpu = batches.reduce((sum, batch) => sum + batch.length, 0) / serverCpu;
		samples.set(target, {put, putPerServerCpu, calls: 0, p50: 0, p99: 0, read: 0});
	}

	for (const target of order) {
		Object.assign(
			samples.get(target)!,
			await timePutRecord(target.client, streamOf(target), sizes.sequential),
		);
	}

	for (const target of order) {
		const expected = sizes.records + sizes.sequential;
		samples.get(target)!.read = await timeReadBack(target.client, streamOf(target), expected);
	}

	// The servers keep their streams in memory: free them before the next run.
	for (const target of order) {
		await target.client.send(new DeleteStreamCommand({StreamName: streamOf(target)}));
	}

	return samples;
}

export type ServerBenchmarkOptions = {
	/** Records put by PutRecords in each run. */
	records: number;
	/** Sequential PutRecord calls in each run. */
	sequential: number;
	runs: number;
	log?: (line: string) => void;
};

export async function serverBenchmarks(options: ServerBenchmarkOptions): Promise<Figure[]> {
	const log = options.log ?? (() => undefined);
	const servers = await startServers();
	const target = (server: ServerName, protocol: Protocol, endpoint: string): Target => ({
		server,
		protocol,
		client: makeClient(endpoint, protocol),
		serverPid: servers.pids[server],
	});
	const targets: Target[] = [
		target('serve', 'h2', servers.serve),
		target('serve', 'h1', servers.serve),
		target('kinesalite', 'h1', servers.kinesalite),
		target('null', 'h2', servers.nullH2),
		target('null', 'h1', servers.nullH1),
	];
	// Every server gets the same work: a smaller store would flatter the slower one.
	const sizes: Sizes = {records: options.records, sequential: options.sequential};
	const batches = makeBatches(sizes.records);
	const samples = new Map<Target, Sample[]>(targets.map((target) => [target, []]));
	try {
		// A warm-up run (the JIT of client and servers, connections), not counted.
		const warmUp: Sizes = {records: 5 * BATCH, sequential: 50};
		await measureRun(targets, 'warm-up', warmUp, batches.slice(0, 5), false);
		for (let run = 0; run < options.runs; run++) {
			const measured = await measureRun(targets, String(run), sizes, batches, run % 2 === 1);
			for (const [target, sample] of measured) {
				samples.get(target)!.push(sample);
				log(
					`  run ${run + 1} ${target.server} ${target.protocol}: ${Math.round(sample.put)} rec/s put, ` +
						`${Math.round(sample.calls)} PutRecord/s, ${Math.round(sample.read)} rec/s read`,
				);
			}
		}
	} finally {
		for (const target of targets) target.client.destroy();
		await servers.stop();
	}

	const runsOf = (server: ServerName, protocol: Protocol) =>
		samples.get(targets.find((t) => t.server === server && t.protocol === protocol)!)!;
	return figuresOf({
		value: (server, protocol, key) => median(runsOf(server, protocol).map((sample) => sample[key])),
		// A ratio is the median of the ratios of each run, each taken side by side.
		ratio: (a, b, key) => {
			const over = runsOf(b.server, b.protocol);
			return median(
				runsOf(a.server, a.protocol).map((sample, run) => sample[key] / over[run][key]),
			);
		},
	});
}

type Figures = {
	value(server: ServerName, protocol: Protocol, key: keyof Sample): number;
	ratio(
		a: {server: ServerName; protocol: Protocol},
		b: {server: ServerName; protocol: Protocol},
		key: keyof Sample,
	): number;
};

const protocolName = (protocol: Protocol) => (protocol === 'h2' ? 'HTTP/2' : 'HTTP/1.1');

function figuresOf({value, ratio}: Figures): Figure[] {
	const figures: Figure[] = [];
	const kinds = [
		{key: 'put', label: 'PutRecords', unit: 'rec/s'},
		{key: 'calls', label: 'PutRecord', unit: 'calls/s'},
		{key: 'read', label: 'GetRecords', unit: 'rec/s'},
	] as const;
	const targets = [
		{server: 'serve', protocol: 'h2'},
		{server: 'serve', protocol: 'h1'},
		{server: 'kinesalite', protocol: 'h1'},
		{server: 'null', protocol: 'h2'},
		{server: 'null', protocol: 'h1'},
	] as const;
	const kinesalite = {server: 'kinesalite', protocol: 'h1'} as const;
	for (const {key, label, unit} of kinds) {
		for (const {server, protocol} of targets) {
			figures.push({
				name: `${label} ${server} ${protocolName(protocol)}`,
				unit,
				value: value(server, protocol, key),
			});
		}

		for (const protocol of ['h2', 'h1'] as const) {
			figures.push({
				name: `  serve ÷ null, ${protocolName(protocol)}`,
				unit: '×',
				value: ratio({server: 'serve', protocol}, {server: 'null', protocol}, key),
				decimals: 2,
				// The target: at least half of the ceiling.
				target: 0.5,
			});
		}

		for (const protocol of ['h2', 'h1'] as const) {
			figures.push({
				name: `  serve ${protocolName(protocol)} ÷ kinesalite`,
				unit: '×',
				value: ratio({server: 'serve', protocol}, kinesalite, key),
				decimals: 1,
			});
		}

		// The most any server could show against kinesalite with this client on this machine.
		figures.push({
			name: `  null HTTP/1.1 ÷ kinesalite`,
			unit: '×',
			value: ratio({server: 'null', protocol: 'h1'}, kinesalite, key),
			decimals: 1,
		});
	}

	// The client above is the bottleneck (the null server shows its ceiling), so the throughput ratios
	// are bounded by the client's speed, not the servers'. A server's own capacity is what it stores per
	// second of its own CPU time, measured on the same PutRecords calls: the 20× target compares that.
	for (const {server, protocol} of targets) {
		figures.push({
			name: `PutRecords server CPU ${server} ${protocolName(protocol)}`,
			unit: 'µs/record',
			value: 1e6 / value(server, protocol, 'putPerServerCpu'),
			decimals: 2,
		});
	}

	for (const protocol of ['h2', 'h1'] as const) {
		figures.push({
			name: `  serve ${protocolName(protocol)} ÷ kinesalite, records per server CPU-second`,
			unit: '×',
			value: ratio({server: 'serve', protocol}, kinesalite, 'putPerServerCpu'),
			decimals: 1,
			target: 20,
		});
	}

	for (const {server, protocol} of targets) {
		const name = `${server} ${protocolName(protocol)}`;
		figures.push(
			{name: `PutRecord p50 ${name}`, unit: 'µs', value: value(server, protocol, 'p50')},
			{name: `PutRecord p99 ${name}`, unit: 'µs', value: value(server, protocol, 'p99')},
		);
	}

	return figures;
}
