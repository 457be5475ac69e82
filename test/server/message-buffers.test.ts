import {connect} from 'node:net';
import {Writable} from 'node:stream';
import {KinesisClient, PutRecordsCommand} from '@aws-sdk/client-kinesis';
import {describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	giveBack,
	giveBackOnceWritten,
	isLent,
	takeBuffer,
} from '../../source/server/message-buffers.js';
import {KinesisServer} from '../../source/server/server.js';
import {waitFor} from '../helpers/wait-for.js';

describe('message buffers', () => {
	test('lend memory for bodies and answers of a put’s size, and take it back once', () => {
		expect(takeBuffer(100)).toBeUndefined();
		expect(takeBuffer(64 * 1024 * 1024)).toBeUndefined();
		const first = takeBuffer(90_000)!;
		expect(first).toHaveLength(90_000);
		expect(isLent(first)).toBe(true);
		giveBack(first);
		expect(isLent(first)).toBe(false);
		// Given back twice, it must still be lent to one taker only.
		giveBack(first);
		const again = takeBuffer(80_000)!;
		const other = takeBuffer(80_000)!;
		expect(again.buffer).toBe(first.buffer);
		expect(other.buffer).not.toBe(first.buffer);
		// Memory that was not lent is never taken.
		const foreign = Buffer.allocUnsafeSlow(90_000);
		giveBack(foreign);
		giveBack(again);
		giveBack(other);
		for (let i = 0; i < 4; i++) expect(takeBuffer(90_000)!.buffer).not.toBe(foreign.buffer);
	});
});

test('an answer in lent memory is given back only once the connection has written it', async () => {
	// A connection whose socket takes its time, as one to a slow client does.
	let completeWrite: (() => void) | undefined;
	const connection = new Writable({
		write(_chunk, _encoding, callback) {
			completeWrite = callback;
		},
	});
	const answer = takeBuffer(60_000)!;
	giveBackOnceWritten(connection, answer);
	connection.end(answer);
	await waitFor(() => completeWrite !== undefined, {message: 'the write started'});
	await new Promise((resolve) => setImmediate(resolve));
	expect(isLent(answer)).toBe(true);
	completeWrite!();
	await waitFor(() => !isLent(answer), {message: 'the answer given back'});
	// Answers not in lent memory are left alone.
	const other = new Writable({write: (_chunk, _encoding, callback) => callback()});
	giveBackOnceWritten(other, 'text');
	expect(other.listenerCount('finish')).toBe(0);
});

const HEADERS =
	'Content-Type: application/x-amz-json-1.1\r\n' +
	'X-Amz-Target: Kinesis_20131202.PutRecords\r\n' +
	'X-Amz-Date: 20260101T000000Z\r\n' +
	'Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc\r\n';

/** A put of 500 records whose data and keys name the put, so that a record or an answer of another shows. */
function putBody(call: number) {
	return JSON.stringify({
		StreamName: 's',
		Records: Array.from({length: 500}, (_, index) => ({
			Data: Buffer.from(`put ${call} record ${index} `.repeat(8)).toString('base64'),
			PartitionKey: `${call}-${index}`,
		})),
	});
}

type Answer = {
	status: number;
	body: {FailedRecordCount: number; Records: Array<{SequenceNumber: string}>};
};

/** Sends every body on one connection at once (HTTP/1.1 pipelining) and reads the answers in order. */
function pipelined(port: number, bodies: string[]): Promise<Answer[]> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1');
		let received = Buffer.alloc(0);
		const answers: Answer[] = [];
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			for (;;) {
				const headEnd = received.indexOf('\r\n\r\n');
				if (headEnd === -1) return;
				const head = received.subarray(0, headEnd).toString('latin1');
				const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
				if (received.length < headEnd + 4 + length) return;
				const body = received.subarray(headEnd + 4, headEnd + 4 + length).toString();
				answers.push({
					status: Number(head.split(' ')[1]),
					body: JSON.parse(body) as Answer['body'],
				});
				received = received.subarray(headEnd + 4 + length);
				if (answers.length === bodies.length) {
					socket.end();
					resolve(answers);
					return;
				}
			}
		});
		socket.on('error', reject);
		socket.write(
			bodies
				.map(
					(body) =>
						`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n${HEADERS}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
				)
				.join(''),
		);
	});
}

/** serve with a 4-shard stream `s`, ACTIVE, for `run`; stopped after it. */
async function withServe(run: (engine: KinesisEngine, url: string) => Promise<void>) {
	const engine = new KinesisEngine({enforceLimits: false, createDelayMs: 0});
	const server = new KinesisServer({engine, port: 0});
	const url = await server.start();
	try {
		engine.createStream({StreamName: 's', ShardCount: 4});
		await waitFor(() => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE', {
			message: 'the stream ACTIVE',
		});
		await run(engine, url);
	} finally {
		await server.stop();
		await engine.close();
	}
}

/** Every answer's sequence numbers name, in the store, the records of its own put, in order. */
function expectOwnRecords(engine: KinesisEngine, answers: Answer['body'][]) {
	const stored = new Map<string, {key: string; data: string}>();
	for (const shard of engine.listShards({StreamName: 's'})) {
		const {ShardIterator} = engine.getShardIterator({
			StreamName: 's',
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		});
		for (const record of engine.getRecords({ShardIterator, Limit: 10_000}).Records) {
			stored.set(record.SequenceNumber, {
				key: record.PartitionKey,
				data: Buffer.from(record.Data).toString(),
			});
		}
	}

	expect(stored.size).toBe(answers.length * 500);
	for (const [call, answer] of answers.entries()) {
		expect(answer.FailedRecordCount).toBe(0);
		expect(answer.Records).toHaveLength(500);
		for (const [index, entry] of answer.Records.entries()) {
			expect(stored.get(entry.SequenceNumber)).toEqual({
				key: `${call}-${index}`,
				data: `put ${call} record ${index} `.repeat(8),
			});
		}
	}
}

test('bodies and answers in reused memory: every put, pipelined or concurrent, is stored and answered as its own', async () => {
	await withServe(async (engine, url) => {
		const port = Number(new URL(url).port);
		// Answers of pipelined requests wait in the server for those before them: memory given back
		// before its answer is written would be another put's answer by then.
		const calls = Array.from({length: 36}, (_, call) => call);
		const [first, second, ...separate] = await Promise.all([
			pipelined(port, calls.slice(0, 12).map(putBody)),
			pipelined(port, calls.slice(12, 24).map(putBody)),
			...calls.slice(24).map(async (call) => {
				const [answer] = await pipelined(port, [putBody(call)]);
				return answer;
			}),
		]);
		const answers = [...first, ...second, ...separate];
		expect(Buffer.byteLength(putBody(0))).toBeGreaterThan(64 * 1024);
		for (const answer of answers) expect(answer.status).toBe(200);
		expectOwnRecords(
			engine,
			answers.map((answer) => answer.body),
		);
	});
});

test('over HTTP/2 (the AWS SDK for JavaScript, its puts multiplexed on one session), every put is answered as its own', async () => {
	await withServe(async (engine, url) => {
		// The client most users run, over h2c: each body and answer (over 16 KB) goes through
		// reused memory on this path too. (When exactly an answer's memory comes back is tested
		// above, with a write held back.)
		const client = new KinesisClient({
			endpoint: url,
			region: 'us-east-1',
			credentials: {accessKeyId: 'AKID', secretAccessKey: 'secret'},
		});
		try {
			const answers = await Promise.all(
				Array.from({length: 16}, async (_, call) => {
					const {Records} = JSON.parse(putBody(call)) as {
						Records: Array<{Data: string; PartitionKey: string}>;
					};
					const output = await client.send(
						new PutRecordsCommand({
							StreamName: 's',
							Records: Records.map((record) => ({
								Data: Buffer.from(record.Data, 'base64'),
								PartitionKey: record.PartitionKey,
							})),
						}),
					);
					return {
						FailedRecordCount: output.FailedRecordCount ?? -1,
						Records: (output.Records ?? []).map((entry) => ({
							SequenceNumber: entry.SequenceNumber!,
						})),
					};
				}),
			);
			expectOwnRecords(engine, answers);
		} finally {
			client.destroy();
		}
	});
});
