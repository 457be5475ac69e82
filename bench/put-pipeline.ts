/**
 * serve's PutRecords work per record, stage by stage, in this process and without HTTP: the request body
 * read (put-records-json.ts, as serve reads the form every SDK sends), run by the engine (model
 * validation, routing, the log, sequence numbers) and answered (the JSON writer). The same pre-built
 * 500-record bodies as the server-bound benchmark (wire-load.ts). Beside them, what the generic read
 * (JSON.parse, then shapes.ts) costs for the same bodies.
 *
 * The server-bound figure moves with everything else on the machine (the load generator, the kernel's
 * loopback, other processes on a shared core): on a busy machine its rounds differ by 3× and a 10%
 * change in serve's own work is lost in them. This figure is the CPU time of that work alone, so it is
 * what to compare between two commits; `JSON.parse alone` is what the null server does of it.
 */
import {randomBytes} from 'node:crypto';
import {KinesisEngine} from '../source/engine/engine.js';
import {kinesisActions} from '../source/server/kinesis-api.js';
import {giveBack} from '../source/server/message-buffers.js';
import {
	putOutcomeJson,
	readPutRecordsJson,
	releaseBatch,
} from '../source/server/put-records-json.js';
import {jsonProtocol} from '../source/server/protocols.js';
import {decode} from '../source/server/shapes.js';
import {median, type Figure} from './report.js';

const RECORD_BYTES = 100;
const BATCH = 500;
const BODIES = 16;
const SHARDS = 4;
const STAGES = ['read', 'engine', 'answer'] as const;
type Stage = (typeof STAGES)[number];

/** CPU time of this process so far (all its threads, garbage collection included), µs. */
function cpu() {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

function makeBodies(stream: string) {
	return Array.from({length: BODIES}, () =>
		Buffer.from(
			JSON.stringify({
				StreamName: stream,
				Records: Array.from({length: BATCH}, () => ({
					Data: randomBytes(RECORD_BYTES).toString('base64'),
					PartitionKey: randomBytes(8).toString('hex'),
				})),
			}),
		),
	);
}

async function active(engine: KinesisEngine, stream: string) {
	for (let attempt = 0; attempt < 500; attempt++) {
		if (engine.describeStreamSummary({StreamName: stream}).StreamStatus === 'ACTIVE') return;
		await new Promise((resolve) => setTimeout(resolve, 2));
	}

	throw new Error(`stream ${stream} never became ACTIVE`);
}

export type PutPipelineOptions = {runs: number; calls: number};

export async function putPipelineBenchmarks(options: PutPipelineOptions): Promise<Figure[]> {
	const engine = new KinesisEngine({enforceLimits: false, createDelayMs: 0, deleteDelayMs: 0});
	const shape = {structure: kinesisActions.PutRecords.shape};
	const perStage = new Map<Stage, number[]>(STAGES.map((stage) => [stage, []]));
	const totals: number[] = [];
	const parseAlone: number[] = [];
	const genericReads: number[] = [];
	try {
		// Round 0 warms the JIT up and is not counted.
		for (let round = 0; round <= options.runs; round++) {
			const stream = `pipeline-${round}`;
			engine.createStream({StreamName: stream, ShardCount: SHARDS});
			await active(engine, stream);
			const bodies = makeBodies(stream);
			const spent: Record<Stage, number> = {read: 0, engine: 0, answer: 0};
			for (let call = 0; call < options.calls; call++) {
				const body = bodies[call % BODIES];
				const t0 = cpu();
				// As serve answers the form every SDK sends: in place (put-records-json.ts).
				const read = readPutRecordsJson(body);
				const t1 = cpu();
				if (!read) throw new Error('the benchmark body was not read in place');
				const outcome = await engine.putBatch({StreamName: read.streamName}, read.batch);
				const t2 = cpu();
				const answer = putOutcomeJson(outcome);
				const t3 = cpu();
				if (answer.length === 0) throw new Error('PutRecords answered nothing');
				// The batch's and the answer's memory are reused, as serve gives them back.
				releaseBatch(read.batch);
				giveBack(answer);
				spent.read += t1 - t0;
				spent.engine += t2 - t1;
				spent.answer += t3 - t2;
			}

			const genericStart = cpu();
			for (let call = 0; call < options.calls; call++) {
				decode(jsonProtocol.parse(bodies[call % BODIES]), shape, '', 'json');
			}

			const parseStart = cpu();
			for (let call = 0; call < options.calls; call++) {
				JSON.parse(bodies[call % BODIES].toString());
			}

			const parseOnly = cpu() - parseStart;
			const genericRead = parseStart - genericStart;
			engine.deleteStream({StreamName: stream});
			if (round === 0) continue;
			const records = options.calls * BATCH;
			let total = 0;
			for (const stage of STAGES) {
				perStage.get(stage)!.push((spent[stage] * 1000) / records);
				total += spent[stage];
			}

			totals.push((total * 1000) / records);
			parseAlone.push((parseOnly * 1000) / records);
			genericReads.push((genericRead * 1000) / records);
		}
	} finally {
		await engine.close();
	}

	return [
		...STAGES.map((stage) => ({
			name: `  ${stage}`,
			unit: 'ns/record',
			value: median(perStage.get(stage)!),
		})),
		{name: 'PutRecords, all stages', unit: 'ns/record', value: median(totals)},
		{name: 'generic read (JSON.parse, shapes)', unit: 'ns/record', value: median(genericReads)},
		{name: 'JSON.parse alone (null server)', unit: 'ns/record', value: median(parseAlone)},
	];
}
