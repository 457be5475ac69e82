import {expect, test} from 'vitest';
import {Checkpoint} from '../../source/copy/checkpoint.js';
import type {CopyRecord, CopySource} from '../../source/copy/copy-record.js';
import {CopyRun, type CopyProgress} from '../../source/copy/copy-run.js';
import {LocalDriver} from '../../source/driver/local-driver.js';

const START = Date.UTC(2026, 11, 7, 4);

const record = (n: number, arrivalSeconds: number): CopyRecord => ({
	partition: 'shardId-000000000000',
	position: String(n + 1),
	partitionKey: `k-${n}`,
	data: Buffer.from(String(n)),
	arrival: new Date(START + arrivalSeconds * 1000),
});

test('the ETA comes from how much of the range’s time span is read, and reaches 0 at its end', async () => {
	const driver = LocalDriver.open({enforceLimits: false});
	try {
		async function* source(): CopySource {
			yield [record(0, 0), record(1, 10)];
			// A pause, so the elapsed time (and so the estimate) is not 0.
			await new Promise((resolve) => setTimeout(resolve, 20));
			yield [record(2, 25)];
			await new Promise((resolve) => setTimeout(resolve, 20));
			yield [record(3, 100)];
		}

		const seen: CopyProgress[] = [];
		const final = await new CopyRun(
			driver,
			{
				source: source(),
				destination: {kind: 'stream', name: 'unused'},
				key: {kind: 'keep'},
				dryRun: true,
				checkpoint: Checkpoint.open(undefined, 'a', 'b'),
				endsAt: START + 100_000,
			},
			{onProgress: (progress) => seen.push(progress)},
		).run();
		// After 25 s of a 100 s span: three times as long again as it took so far.
		const quarter = seen.find((progress) => progress.read === 3)!;
		expect(quarter.etaMs).toBeCloseTo(quarter.elapsedMs * 3, -1);
		expect(final).toMatchObject({read: 4, copied: 4, etaMs: 0});
	} finally {
		await driver.close();
	}
});
