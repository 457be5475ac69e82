import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {Driver} from '../../source/driver/driver.js';
import {cleanUp, keys, localDriver, renderApp, type Harness, withReadOutage} from './render-app.js';

afterEach(cleanUp);

const arrowUp = '\u001B[A';

/** Puts a few records every 50 ms until stopped. */
function feed(driver: Driver, stream: string) {
	const data = new TextEncoder().encode('{"ms": 12}');
	const timer = setInterval(() => {
		void driver.putRecords(
			stream,
			Array.from({length: 3}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
		);
	}, 50);
	return () => clearInterval(timer);
}

async function openQuery(app: Harness, stream: string) {
	await app.untilText(stream);
	await app.command(`query ${stream}`);
	await app.untilText(`Query ${stream}`);
	await app.untilText('enter edit  space pause');
}

/** The editor is the prompt on the bottom line (the screen's own SQL line is above it). */
const untilEditor = (app: Harness) =>
	app.until((f) => {
		const bottom = f.split('\n').at(-1)!;
		// A long query shows its end, after an ellipsis.
		return bottom.startsWith('SQL> ') || (bottom.startsWith('…') && !bottom.includes('enter edit'));
	}, 'the query editor');

/** The editor holds `sql`, whole or (too long for the line) its end after an ellipsis. */
const untilEditorHolds = (app: Harness, sql: string) =>
	app.until(() => {
		const bottom = app.lastLine();
		const whole = `SQL> ${sql}`;
		if (bottom.startsWith('…')) return whole.endsWith(bottom.slice(1).trimEnd());
		return bottom === whole || bottom.startsWith(`${whole} `);
	}, `the editor holding ${sql}`);

async function enterSql(app: Harness, sql: string) {
	app.press(keys.enter);
	await untilEditor(app);
	app.press(keys.ctrlU);
	await app.untilPrompt('SQL> ');
	app.type(sql);
	await untilEditorHolds(app, sql);
	app.press(keys.enter);
	await app.until(() => app.lastLine().includes('enter edit'), 'the editor closed');
}

describe('query screen', () => {
	test('an outage its reading rides out is shown until reads are answered again', async () => {
		const local = await localDriver([['orders', 1]]);
		const outage = withReadOutage(local);
		const app = renderApp(outage.driver);
		await openQuery(app, 'orders');
		await app.untilText('● running');
		outage.down = true;
		await app.until(
			(f) =>
				f.includes('⟳ retrying') &&
				/! retrying since \d\d:\d\d:\d\d: ECONNREFUSED 127\.0\.0\.1:4567/.test(f),
			'the outage',
		);
		outage.down = false;
		await app.untilText('● running');
		expect(app.frame()).not.toContain('retrying');
	});

	test('runs the query live: windows, a chart of one number per window, pause and save', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-query-'));
		const driver = await localDriver([['orders', 2]]);
		const app = renderApp(driver, {saveDirectory: directory});
		await openQuery(app, 'orders');
		// The default query is running (one of the demo-style top-K queries).
		expect(app.frame()).toContain('● running');
		expect(app.frame()).toContain('SQL> SELECT partition_key, COUNT(*) AS records FROM orders');

		await enterSql(
			app,
			'SELECT COUNT(*) AS n, AVG(data.ms) AS ms FROM orders WINDOW TUMBLING (SIZE 1 SECOND)',
		);
		const stop = feed(driver, 'orders');
		try {
			const frame = await app.until(
				(f) => /^\d\d:\d\d:\d\d–\d\d:\d\d +\d+ +12\b/m.test(f),
				'a closed window with its count',
				15_000,
			);
			expect(frame).toMatch(/WINDOW +N +MS/);
			app.press('c');
			await app.untilText('n per window (c: back to the table)');
			app.press('c');
			await app.untilText(/WINDOW +N +MS/);
			app.press(' ');
			await app.untilText('❚❚ paused');
			app.press('s');
			const notice = await app.untilText(/Saved \d+ rows to /);
			const saved = readdirSync(directory);
			expect(saved).toHaveLength(1);
			const rows = readFileSync(join(directory, saved[0]), 'utf8').trim().split('\n');
			expect(notice).toContain(`Saved ${rows.length} rows`);
			expect(JSON.parse(rows[0])).toMatchObject({ms: 12});
			expect(Object.keys(JSON.parse(rows[0]))).toEqual(['window_start', 'window_end', 'n', 'ms']);
		} finally {
			stop();
		}
	});

	test('a mistake is marked at its column with a suggestion; ↑ recalls earlier queries', async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver);
		await openQuery(app, 'orders');
		await enterSql(app, 'SELECT COUNT(*) FORM orders');
		const frame = await app.untilText('✖ not running');
		const lines = frame.split('\n');
		const sqlLine = lines.findIndex((line) => line.startsWith('SQL> SELECT COUNT(*) FORM'));
		const caret = lines[sqlLine + 1];
		expect(caret).toMatch(/\^ line 1, column 17: .*did you mean FROM/);
		expect(caret.indexOf('^')).toBe(lines[sqlLine].indexOf('FORM'));

		// ↑ in the editor brings the query back; Tab completes a column name.
		app.press(keys.enter);
		await untilEditor(app);
		app.press(keys.ctrlU);
		await app.untilPrompt('SQL> ');
		app.press(arrowUp);
		await app.until(
			(f) => f.split('\n').at(-1)!.startsWith('SQL> SELECT COUNT(*) FORM orders'),
			'the earlier query recalled',
		);
		app.press(keys.ctrlU);
		await app.untilPrompt('SQL> ');
		app.type('SELECT partition_k');
		await untilEditorHolds(app, 'SELECT partition_k');
		app.press(keys.tab);
		await app.until(
			(f) => /^SQL> SELECT partition_key /.test(f.split('\n').at(-1)!),
			'the column completed',
		);
	});
});
