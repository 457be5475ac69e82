/**
 * End to end: the demo's delivery stream `clickstream-archive` in the real binary (tmux, 80×24): F from
 * the streams overview, Enter on it, and its buffer gauge grows, then drops after a flush by size, with
 * the delivery listed. `--demo-rate 2000` fills the 1 MiB buffer in seconds rather than half a minute.
 */
import {describe, expect, test} from 'vitest';
import {useConsoleTerminal} from '../helpers/console-terminal.js';

/** The size gauge's percentage and the number of deliveries listed, from the screen. */
function readGauge(screen: string) {
	const size = /size {2}\[[^\]]*\] (\d+)%/.exec(screen);
	const deliveries = /Recent deliveries \((\d+)\)/.exec(screen);
	return size && deliveries
		? {percent: Number(size[1]), deliveries: Number(deliveries[1])}
		: undefined;
}

describe('the Firehose screen in a terminal (tmux, 80×24)', () => {
	const kinesisTop = useConsoleTerminal();

	test('the demo archive: the buffer gauge grows, then drops after a flush', async () => {
		const terminal = await kinesisTop.start(
			'--local',
			'--in-memory',
			'--demo',
			'--demo-rate',
			'2000',
		);
		await terminal.until((s) => s.includes('clickstream'), 'the demo streams');
		await terminal.sendKeys('F');
		let text = await terminal.until(
			(s) => /› clickstream-archive +ACTIVE +clickstream +1 MiB\/60s/.test(s),
			'the delivery streams',
		);
		expect(text).toContain('Firehose delivery streams 1');
		await terminal.sendKeys('Enter');
		text = await terminal.until((s) => readGauge(s) !== undefined, 'the buffer gauge');
		expect(text).toContain('Source: Kinesis stream clickstream · compression GZIP');
		expect(text).toContain('Buffer — exact');

		// Watch the gauge: it must rise above where it was first seen, and later fall with a delivery.
		const first = readGauge(text)!;
		let highest = first.percent;
		let grew = false;
		let dropped = false;
		await terminal.until(
			(s) => {
				const now = readGauge(s);
				if (!now) return false;
				if (now.percent > first.percent) grew = true;
				if (grew && now.percent < highest && now.deliveries > first.deliveries) dropped = true;
				highest = Math.max(highest, now.percent);
				return grew && dropped;
			},
			'the gauge to grow, then drop after a delivery',
			60_000,
		);
		text = await terminal.screen();
		expect(text).toMatch(/\d\d:\d\d:\d\d +\d+ +[\d.]+ KiB …\S+\.gz/);
		await terminal.sendKeys('q');
	}, 120_000);
});
