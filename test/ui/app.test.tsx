import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {App} from '../../source/app.js';
import {DriverError, type Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {createTheme} from '../../source/ui/theme.js';
import {waitFor} from '../helpers/wait-for.js';

const arrowDown = '\u001B[B';
const arrowUp = '\u001B[A';
const escape = '\u001B';
const ctrlC = '\u0003';

const WIDTH = 80;
const HEIGHT = 24;

const drivers: Driver[] = [];
const unmounts: Array<() => void> = [];
afterEach(async () => {
	for (const unmount of unmounts.splice(0)) unmount();
	for (const driver of drivers.splice(0)) await driver.close();
});

async function localDriver(streams: Array<[string, number]> = []) {
	const driver = LocalDriver.open({enforceLimits: false});
	drivers.push(driver);
	for (const [name, shardCount] of streams) {
		await driver.createStream(name, {mode: 'PROVISIONED', shardCount});
	}

	return driver;
}

function renderApp(driver: Driver, props: {demo?: boolean} = {}) {
	const app = render(
		<App
			driver={driver}
			width={WIDTH}
			height={HEIGHT}
			theme={createTheme(true)}
			pollIntervalMs={50}
			{...props}
		/>,
	);
	unmounts.push(app.unmount);
	const frame = () => app.lastFrame() ?? '';
	const lines = () => frame().split('\n');
	/** Waits for a frame that satisfies `check` (frames change asynchronously: polls, input). */
	const until = (check: (frame: string) => boolean, message: string) =>
		waitFor(() => check(frame()) && frame(), {message: `${message}; last frame:\n${frame()}`});
	const selected = () => lines().find((line) => line.startsWith('› '));
	const press = (key: string) => app.stdin.write(key);
	return {...app, frame, lines, until, selected, press};
}

describe('App', () => {
	test('shows the target, the streams table and key hints', async () => {
		const driver = await localDriver([
			['orders', 2],
			['clickstream', 4],
		]);
		const app = renderApp(driver);
		const frame = await app.until((f) => f.includes('orders'), 'the streams');
		expect(frame).toContain('kinesis-top local · us-east-1 · 000000000000 · in memory');
		expect(frame).toContain('● ok');
		expect(frame).toContain('Streams 2');
		// At 80 columns the settings (mode, retention) give way to the traffic figures.
		expect(frame).toMatch(/NAME +STATUS +SHARDS +IN\/S +BYTES\/S +LAST 10M +AGE\n/);
		expect(frame).toMatch(/› clickstream +ACTIVE +4 +0\/s +0 B\/s +▁{10} *\n/);
		expect(frame).toMatch(/ {2}orders +ACTIVE +2 +0\/s +0 B\/s +▁{10} *\n/);
		expect(frame).not.toContain('RETENTION');
		expect(app.lines().at(-1)).toBe(
			'j/k move  enter open  t tail  / filter  p put  s sort  esc back  ? help  q quit',
		);
		expect(frame).not.toContain('READ-ONLY');
		expect(frame).not.toContain('[DEMO]');
	});

	test('the header says once records are trimmed early to keep within the memory budget', async () => {
		const driver = LocalDriver.open({enforceLimits: false, memoryBudgetBytes: 2 ** 20});
		drivers.push(driver);
		await driver.createStream('big', {mode: 'PROVISIONED', shardCount: 1});
		const app = renderApp(driver);
		const before = await app.until((f) => f.includes('big'), 'the streams');
		expect(before).not.toContain('trimming');
		const data = new Uint8Array(10_000);
		for (let put = 0; put < 30; put++) {
			await driver.putRecords(
				'big',
				Array.from({length: 10}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
			);
		}

		const frame = await app.until((f) => f.includes('trimming'), 'the trimming notice');
		expect(frame.split('\n')[0]).toMatch(/\[trimming early: 1 MiB memory budget\] +● ok/);
	});

	test("shows each stream's incoming rate, its trend and the iterator age, from the metrics", async () => {
		const driver = await localDriver([
			['busy', 2],
			['quiet', 1],
			['another', 3],
		]);
		const data = new TextEncoder().encode('x'.repeat(100));
		await driver.putRecords(
			'busy',
			Array.from({length: 300}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
		);
		// A consumer reading makes GetRecords.IteratorAgeMilliseconds known.
		const {Shards} = await driver.describeStream('busy');
		const iterator = await driver.getShardIterator('busy', Shards[0].ShardId, {
			type: 'TRIM_HORIZON',
		});
		await driver.getRecords(iterator);
		const app = renderApp(driver);
		const frame = await app.until((f) => /busy .*\d+\/s/.test(f), 'the rates');
		const busy = frame.split('\n').find((line) => line.includes('busy'))!;
		// 300 records in the current minute, so far: a rate above 300/60 = 5/s, and 100 times that in
		// bytes (the partition keys do not count).
		const rate = Number(/(\d+)\/s/.exec(busy)![1]);
		expect(rate).toBeGreaterThanOrEqual(5);
		const [, figure, unit] = /([\d.]+) (B|KiB)\/s/.exec(busy)!;
		expect(Number(figure) * (unit === 'KiB' ? 1024 : 1)).toBeGreaterThanOrEqual(500);
		// The records sit in the current minute, or in the last one when a minute turned meanwhile.
		expect(busy).toMatch(/▁{9}█|▁{8}█▁/);
		expect(busy).toMatch(/[█▁] +\d+ms *$/);
		expect(frame).toMatch(/quiet +ACTIVE +1 +0\/s +0 B\/s +▁{10}/);

		// s sorts by records/s (the busiest on top), then bytes/s, iterator age, shards, and back to the
		// name.
		expect(app.selected()).toMatch(/^› another/);
		app.press('s');
		await app.until((f) => f.includes('Streams 3 · by records/s'), 'sorted by rate');
		const order = () =>
			app
				.lines()
				.filter((line) => /^[› ] \w/.test(line) && !line.includes('NAME'))
				.map((line) => line.slice(2).split(' ')[0]);
		expect(order()).toEqual(['busy', 'another', 'quiet']);
		app.press('s');
		await app.until((f) => f.includes('by bytes/s'), 'sorted by bytes');
		expect(order()).toEqual(['busy', 'another', 'quiet']);
		app.press('s');
		await app.until((f) => f.includes('by iterator age'), 'sorted by age');
		expect(order()[0]).toBe('busy');
		app.press('s');
		await app.until((f) => f.includes('by shards'), 'sorted by shards');
		expect(order()).toEqual(['another', 'busy', 'quiet']);
		app.press('s');
		await app.until((f) => /Streams 3\n/.test(f), 'sorted by name');
		expect(order()).toEqual(['another', 'busy', 'quiet']);
	});

	test('shows the mode too when the terminal is wide', async () => {
		const driver = await localDriver([['orders', 2]]);
		const app = render(
			<App
				driver={driver}
				width={120}
				height={HEIGHT}
				theme={createTheme(true)}
				pollIntervalMs={50}
			/>,
		);
		unmounts.push(app.unmount);
		await waitFor(() => app.lastFrame()?.includes('PROVISIONED'), {message: 'the mode column'});
		expect(app.lastFrame()).toMatch(
			/NAME +STATUS +SHARDS +IN\/S +BYTES\/S +LAST 10M +AGE +MODE +RETENTION/,
		);
	});

	test('fits 80×24: long names are truncated, nothing wraps', async () => {
		const long = `very-long-stream-name-${'x'.repeat(100)}`;
		const driver = await localDriver([[long, 1]]);
		const app = renderApp(driver);
		await app.until((f) => f.includes('very-long'), 'the stream');
		const lines = app.lines();
		expect(lines.length).toBe(HEIGHT);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(WIDTH);
		expect(app.frame()).toMatch(/› very-long-stream-name-x+… ACTIVE/);
	});

	test('moves the selection with j/k, arrows, g and G', async () => {
		const driver = await localDriver([
			['alpha', 1],
			['beta', 1],
			['gamma', 1],
		]);
		const app = renderApp(driver);
		await app.until((f) => f.includes('gamma'), 'the streams');
		expect(app.selected()).toMatch(/^› alpha/);

		const expectSelected = (name: string) =>
			waitFor(() => app.selected()?.startsWith(`› ${name} `), {message: `${name} selected`});
		app.press(arrowDown);
		await expectSelected('beta');
		app.press('j');
		await expectSelected('gamma');
		app.press(arrowDown); // stays on the last
		app.press('k');
		await expectSelected('beta');
		app.press(arrowUp);
		await expectSelected('alpha');
		app.press('G');
		await expectSelected('gamma');
		app.press('g');
		await expectSelected('alpha');
		// Keys read in one chunk (a held key outrunning the frames) still count one by one.
		app.press('jj');
		await expectSelected('gamma');
	});

	test('the selection follows its stream when others appear', async () => {
		const driver = await localDriver([
			['bravo', 1],
			['delta', 1],
		]);
		const app = renderApp(driver);
		await app.until((f) => f.includes('delta'), 'the streams');
		app.press('j');
		await waitFor(() => app.selected()?.startsWith('› delta'), {message: 'delta selected'});
		await driver.createStream('alpha', {mode: 'PROVISIONED', shardCount: 1});
		await app.until((f) => f.includes('alpha'), 'the new stream');
		expect(app.selected()).toMatch(/^› delta/);
	});

	test('scrolls a long list to keep the selection visible', async () => {
		const names = Array.from({length: 40}, (_, i) => `stream-${String(i).padStart(2, '0')}`);
		const driver = await localDriver(names.map((name) => [name, 1]));
		const app = renderApp(driver);
		await app.until((f) => f.includes('Streams 40'), 'the streams');
		expect(app.frame()).toContain('Streams 40 (1–20)');
		app.press('G');
		await app.until((f) => f.includes('› stream-39'), 'the last stream');
		expect(app.frame()).toContain('Streams 40 (21–40)');
		expect(app.frame()).not.toContain('stream-00');
		expect(app.lines().length).toBe(HEIGHT);
	});

	test('? opens the help generated from the keymap; ? or esc closes it', async () => {
		const driver = await localDriver([['alpha', 1]]);
		const app = renderApp(driver);
		await app.until((f) => f.includes('alpha'), 'the streams');

		app.press('?');
		let frame = await app.until((f) => f.includes('Streams — keys · ? or esc closes'), 'help');
		expect(frame).toMatch(/q, ctrl\+c +Quit kinesis-top/);
		expect(frame).toMatch(/j\/k, ↓\/↑ +Select the next or the previous stream/);
		expect(frame).toMatch(/esc +Back: clear the filter, or close this screen/);
		expect(frame).not.toContain('SHARDS');
		expect(app.lines().at(-1)).toBe('j/k move  a all keys  : cmd  esc back  ? help  q quit');

		app.press('j'); // the table's keys do nothing under the help
		app.press('?');
		frame = await app.until((f) => f.includes('SHARDS'), 'the table again');
		expect(app.selected()).toMatch(/^› alpha/);

		app.press('?');
		await app.until((f) => f.includes('Streams — keys'), 'help again');
		app.press(escape);
		await app.until((f) => f.includes('SHARDS'), 'the table after esc');
	});

	test('shows the READ-ONLY badge for a read-only driver', async () => {
		const driver = readOnly(await localDriver([['alpha', 1]]));
		const app = renderApp(driver, {demo: true});
		const frame = await app.until((f) => f.includes('alpha'), 'the streams');
		expect(app.lines()[0]).toMatch(
			/^kinesis-top local · .* \[READ-ONLY\] \[DEMO\] +● ok \d\d:\d\d:\d\d$/,
		);
		app.press('?');
		await app.until(
			(f) => f.includes('Read-only: actions that change data are not offered.'),
			'help',
		);
		// The footer offers no action that changes data.
		expect(frame.split('\n').at(-1)).not.toMatch(/\bput\b|\bcreate\b|\bdelete\b/);
	});

	test('shows connection trouble and the error, then recovers', async () => {
		const local = await localDriver([['alpha', 1]]);
		let failing = true;
		const driver = Object.create(local) as Driver;
		driver.listStreams = async (signal) => {
			if (failing) throw new DriverError('LimitExceededException', 'Rate exceeded', true);
			return local.listStreams(signal);
		};
		const app = renderApp(driver);
		const frame = await app.until((f) => f.includes('✖ error'), 'the error');
		expect(frame).toContain('✖ LimitExceededException: Rate exceeded');
		expect(frame).toContain('Could not list the streams');
		failing = false;
		await app.until((f) => f.includes('● ok') && f.includes('alpha'), 'recovery');
	});

	test('q and Ctrl+C quit', async () => {
		for (const key of ['q', ctrlC]) {
			const driver = await localDriver([['alpha', 1]]);
			const app = renderApp(driver);
			await app.until((f) => f.includes('alpha'), 'the streams');
			const reading = () => app.stdin.listenerCount('readable');
			expect(reading()).toBeGreaterThan(0);
			const frames = app.frames.length;
			app.press(key);
			// Quit: Ink stops reading the input, so further keys draw nothing.
			await app.until(() => reading() === 0, 'Ink to stop reading the input');
			app.press('j');
			expect(app.frames.length).toBeLessThanOrEqual(frames + 1);
		}
	});
});
