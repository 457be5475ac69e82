import {expect, test, vi} from 'vitest';
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
	// The run's clock (Date) is the test's: only it is faked, timers stay real.
	vi.useFakeTimers({toFake: ['Date']});
	const driver = LocalDriver.open({enforceLimits: false});
	try {
		async function* source(): CopySource {
			yield [record(0, 0), record(1, 10)];
			// 20 ms between batches on the run's clock, so the elapsed time (and the estimate) is known.
			vi.advanceTimersByTime(20);
			yield [record(2, 25)];
			vi.advanceTimersByTime(20);
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
		expect(quarter.elapsedMs).toBe(20);
		expect(quarter.etaMs).toBe(60);
		expect(final).toMatchObject({read: 4, copied: 4, etaMs: 0});
	} finally {
		vi.useRealTimers();
		await driver.close();
	}
});
