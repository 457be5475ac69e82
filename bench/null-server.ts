/**
 * The null server: the ceiling for a Kinesis client. It reads each request's body, parses its JSON (as
 * any server must) and sends a fixed, valid answer for the action — no store, no validation — so what
 * it costs is the HTTP stack and JSON, and what is left of a benchmark's time is the client's.
 *
 * It uses Node's own servers directly, not serve's listener, so the ceiling is the transport at its
 * best: HTTP/2 with prior knowledge (h2c, as the SDK v3 speaks to `serve`) on one port and HTTP/1.1 on
 * another. Run as a child process, it prints `null-server h2=URL h1=URL` once both listen.
 */
import {
	createServer as createHttp1Server,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import {
	createServer as createHttp2Server,
	type Http2ServerRequest,
	type Http2ServerResponse,
} from 'node:http2';
import type {AddressInfo} from 'node:net';

/** Records in the GetRecords answer: a full page, as a reader that is behind gets. */
const PAGE_RECORDS = 10_000;
/** Entries in the PutRecords answer: the benchmark's batch size. */
const BATCH_RECORDS = 500;
const RECORD_BYTES = 100;
const SHARDS = 4;
const SEQUENCE = '49590338271490256608559692538361571095921575989136588898';

const SERIALIZATION_ERROR = Buffer.from('{"__type":"SerializationException"}');

const shardId = (index: number) => `shardId-${String(index).padStart(12, '0')}`;

/** The fixed answers, encoded once. */
function answers(): Map<string, Buffer> {
	const data = Buffer.alloc(RECORD_BYTES, 120).toString('base64');
	const arrival = Date.now() / 1000;
	const json = (value: unknown) => Buffer.from(JSON.stringify(value));
	const hashRange = (index: number) => {
		const step = (1n << 128n) / BigInt(SHARDS);
		const end = index === SHARDS - 1 ? (1n << 128n) - 1n : step * BigInt(index + 1) - 1n;
		return {StartingHashKey: String(step * BigInt(index)), EndingHashKey: String(end)};
	};

	return new Map([
		['CreateStream', json({})],
		['DeleteStream', json({})],
		[
			'DescribeStreamSummary',
			json({
				StreamDescriptionSummary: {
					StreamName: 'bench',
					StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench',
					StreamStatus: 'ACTIVE',
					StreamModeDetails: {StreamMode: 'PROVISIONED'},
					RetentionPeriodHours: 24,
					StreamCreationTimestamp: arrival,
					EnhancedMonitoring: [{ShardLevelMetrics: []}],
					EncryptionType: 'NONE',
					OpenShardCount: SHARDS,
					ConsumerCount: 0,
				},
			}),
		],
		[
			'ListShards',
			json({
				Shards: Array.from({length: SHARDS}, (_, index) => ({
					ShardId: shardId(index),
					HashKeyRange: hashRange(index),
					SequenceNumberRange: {StartingSequenceNumber: SEQUENCE},
				})),
			}),
		],
		['PutRecord', json({ShardId: shardId(0), SequenceNumber: SEQUENCE})],
		[
			'PutRecords',
			json({
				FailedRecordCount: 0,
				Records: Array.from({length: BATCH_RECORDS}, () => ({
					ShardId: shardId(0),
					SequenceNumber: SEQUENCE,
				})),
			}),
		],
		['GetShardIterator', json({ShardIterator: 'AAAAAAAAAAFnullserveriterator'})],
		[
			'GetRecords',
			json({
				Records: Array.from({length: PAGE_RECORDS}, () => ({
					SequenceNumber: SEQUENCE,
					ApproximateArrivalTimestamp: arrival,
					Data: data,
					PartitionKey: 'a-partition-key',
				})),
				NextShardIterator: 'AAAAAAAAAAFnullserveriterator',
				MillisBehindLatest: 0,
			}),
		],
	]);
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export async function startNullServer(host = '127.0.0.1') {
	const fixed = answers();
	const handle = (request: Request, response: Response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const target = String(request.headers['x-amz-target'] ?? '');
			let body: Buffer | undefined;
			try {
				// Parsed and thrown away: the part of a server's work no server can skip.
				JSON.parse(Buffer.concat(chunks).toString());
				body = fixed.get(target.slice(target.indexOf('.') + 1));
			} catch {
				body = undefined;
			}

			const status = body ? 200 : 400;
			body ??= SERIALIZATION_ERROR;
			response.writeHead(status, {
				'Content-Type': 'application/x-amz-json-1.1',
				'Content-Length': body.length,
				'x-amzn-RequestId': '00000000-0000-0000-0000-000000000000',
			});
			response.end(body);
		});
	};

	const http2 = createHttp2Server({settings: {initialWindowSize: 8 * 1024 * 1024}}, handle);
	http2.on('session', (session) => {
		session.on('connect', () => session.setLocalWindowSize(16 * 1024 * 1024));
		session.on('error', () => undefined);
	});
	const http1 = createHttp1Server({keepAliveTimeout: 60_000}, handle);
	const listen = (server: typeof http1 | typeof http2) =>
		new Promise<string>((resolve) => {
			server.listen(0, host, () => {
				resolve(`http://${host}:${(server.address() as AddressInfo).port}`);
			});
		});
	const [h2, h1] = await Promise.all([listen(http2), listen(http1)]);
	return {
		h2,
		h1,
		close: () => {
			http2.close();
			http1.closeAllConnections();
			http1.close();
		},
	};
}

if (process.argv[1]?.endsWith('null-server.js')) {
	const {h2, h1} = await startNullServer();
	console.log(`null-server h2=${h2} h1=${h1}`);
}
