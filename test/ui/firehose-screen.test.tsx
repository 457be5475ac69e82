import {afterEach, describe, expect, test} from 'vitest';
import type {LocalDriver} from '../../source/driver/local-driver.js';
import {cleanUp, expectFits, keys, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

const KIB = 1024;

function createDirectPut(driver: LocalDriver, name: string, compression?: 'GZIP') {
	driver.firehose.createDeliveryStream({
		DeliveryStreamName: name,
		DeliveryStreamType: 'DirectPut',
		ExtendedS3DestinationConfiguration: {
			RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
			BucketARN: 'arn:aws:s3:::landing',
			Prefix: 'raw/',
			CompressionFormat: compression,
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 300},
		},
	});
}

/** `count` records of `size` bytes each. */
async function put(driver: LocalDriver, name: string, count: number, size: number) {
	const output = await driver.putRecordBatch(
		name,
		Array.from({length: count}, () => ({Data: new Uint8Array(size).fill(120)})),
	);
	expect(output.FailedPutCount).toBe(0);
}

describe('Firehose screens', () => {
	test('F lists the delivery streams: status, source, buffer, hints, destination', async () => {
		const driver = await localDriver([['clicks', 1]]);
		createDirectPut(driver, 'archive', 'GZIP');
		createDirectPut(driver, 'raw-events');
		await put(driver, 'archive', 4, 64 * KIB);
		const app = renderApp(driver, {width: 100});
		await app.untilText('clicks');
		app.press('F');
		const frame = await app.untilText('Firehose delivery streams 2');
		expect(frame).toMatch(/NAME +STATUS +SOURCE +HINTS +BUFFER +COMPR +DESTINATION/);
		expect(frame).toMatch(
			/› archive +ACTIVE +DirectPut +1 MiB\/300s +25% +GZIP +s3:\/\/landing\/raw\//,
		);
		expect(frame).toMatch(
			/ {2}raw-events +ACTIVE +DirectPut +1 MiB\/300s +0% +none +s3:\/\/landing/,
		);
		expect(app.lines().at(-1)).toMatch(/^j\/k move {2}enter open {2}\/ filter/);

		// / filters by name, source or destination; esc clears the filter, then goes back.
		app.press('/');
		await app.untilText('part of a delivery stream name');
		app.type('raw-');
		await app.untilText('Firehose delivery streams 1 of 2 · /raw-');
		expect(app.frame()).toMatch(/› raw-events/);
		expect(app.frame()).not.toContain('archive');
		app.press(keys.enter);
		await app.until(() => app.lastLine().startsWith('j/k move'), 'the filter prompt closed');
		expect(app.frame()).toContain('Firehose delivery streams 1 of 2 · /raw-');
		app.press(keys.escape);
		await app.untilText('Firehose delivery streams 2\n');
		app.press(keys.escape);
		await app.untilText('Streams 1');
	});

	test('the detail shows the buffer filling against the hints, then the delivery after a flush', async () => {
		const driver = await localDriver();
		createDirectPut(driver, 'archive');
		await put(driver, 'archive', 8, 64 * KIB); // 512 KiB of 1 MiB
		const app = renderApp(driver);
		await app.untilText('No streams');
		await app.command('firehose archive');
		let frame = await app.untilText('Buffer — exact');
		expect(frame).toContain('Firehose archive · ACTIVE · 1 MiB/300s');
		expect(frame).toContain('Source: Direct PUT · compression UNCOMPRESSED');
		expect(frame).toContain('Destination: s3://landing/raw/');
		expect(frame).toMatch(/size {2}\[█{15}·{15}\] 50% 512 KiB of 1 MiB · 8 rec/);
		expect(frame).toMatch(/age {3}\[.*\] 0% \d s of 300 s/);
		expect(frame).toMatch(
			/Next flush: in 30\d s by the interval, sooner if 1 MiB fills|Next flush: in 299 s/,
		);
		expect(frame).toContain('Recent deliveries (0)');
		expect(frame).toContain('No deliveries yet.');
		expect(frame).not.toContain('estimate');
		expectFits(app);

		// Past the size hint: delivered, the buffer drops to empty.
		await put(driver, 'archive', 8, 64 * KIB);
		await driver.firehose.tick();
		frame = await app.untilText('Recent deliveries (1)');
		expect(frame).toMatch(/size {2}\[·{30}\] 0% 0 B of 1 MiB · 0 rec/);
		expect(frame).toMatch(/\d\d:\d\d:\d\d +16 +1 MiB …\S+-[0-9a-f]{8}-[0-9a-f-]+$/m);
		expect(frame).toContain('Next flush: when records arrive');

		// The charts below: j scrolls to them.
		app.press('G');
		frame = await app.untilText(/Records delivered .* now 16/);
		expect(frame).toMatch(
			/Delivery success · DeliveryToS3\.Success \(Average\), last 1h {2}now 100%/,
		);
		expect(frame).toMatch(
			/Records delivered · DeliveryToS3\.Records \(Sum\/min\), last 1h {2}now 16/,
		);
		expectFits(app);
	});

	test('Enter opens a delivery stream from the list; survives 40×12', async () => {
		const driver = await localDriver();
		createDirectPut(driver, 'archive');
		await put(driver, 'archive', 2, 100);
		const app = renderApp(driver, {width: 40, height: 12});
		await app.untilText('No streams');
		await app.command('firehose');
		await app.untilText('› archive');
		expectFits(app);
		app.press(keys.enter);
		await app.untilText('Buffer — exact');
		expectFits(app);
		app.press('j');
		await app.until((f) => !f.includes('Source: Direct PUT'), 'scrolled past the first section');
		expectFits(app);
	});

	test('an estimated buffer (AWS) is labelled as such', async () => {
		const local = await localDriver();
		createDirectPut(local, 'archive');
		const driver = Object.create(local) as LocalDriver;
		driver.describeDeliveryStream = async (name, signal) => {
			const detail = await local.describeDeliveryStream(name, signal);
			return {
				...detail,
				Buffer: {
					Estimate: true,
					SizeLimitBytes: detail.Buffer.SizeLimitBytes,
					IntervalMillis: detail.Buffer.IntervalMillis,
					BufferedBytes: 256 * KIB,
					OldestRecordAgeMillis: 150_000,
				},
			};
		};

		const app = renderApp(driver);
		await app.untilText('No streams');
		await app.command('firehose archive');
		const frame = await app.untilText('Buffer — estimate from CloudWatch');
		expect(frame).toMatch(/size {2}\[.*\] 25% 256 KiB of 1 MiB\n/);
		expect(frame).toMatch(/age {3}\[█{15}·{15}\] 50% 150 s of 300 s/);
		expect(frame).toContain('Next flush: in 150 s by the interval (estimate)');
	});
});
