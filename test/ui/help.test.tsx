/**
 * `?` on every screen: the help is that screen's — its name as the title, its own keys listed first,
 * then the keys that work everywhere — and it fits an 80×24 terminal without scrolling.
 */
import {afterEach, describe, expect, test} from 'vitest';
import type {LocalDriver} from '../../source/driver/local-driver.js';
import stringWidth from 'string-width';
import {helpFootnote, helpLines, helpTitle} from '../../source/ui/help-lines.js';
import {
	availableBindings,
	fittingHints,
	footerHints,
	KEYMAP,
	SCOPE_TITLES,
	type Scope,
} from '../../source/ui/keymap.js';
import {SCREEN_SCOPE} from '../../source/ui/navigation.js';
import {kclDriver, LEASE_TABLE} from './kcl-driver.js';
import {cleanUp, keys, localDriver, renderApp, type Harness} from './render-app.js';

afterEach(cleanUp);

/**
 * A 24-row terminal gives the app 23 rows (it keeps one free, see app.tsx), two of them the header
 * and the footer: the help has 21.
 */
const TERMINAL = {width: 80, height: 24};
const APP_HEIGHT = TERMINAL.height - 1;
const HELP_HEIGHT = APP_HEIGHT - 2;

/** The footer the screen shows when it is on top and takes keys (generated from the keymap). */
const footerOf = (scope: Scope) =>
	fittingHints(footerHints([scope, 'global']), TERMINAL.width)
		.map((hint) => `${hint.keys} ${hint.hint}`)
		.join('  ');

/** Waits until `scope`'s screen is on top and takes keys: its footer is on the bottom line. */
const untilScreen = (app: Harness, scope: Scope) =>
	app.until((frame) => frame.split('\n').at(-1) === footerOf(scope), `the ${scope} screen`);

/** Every screen's scope (the help is not opened over itself). */
const screenScopes = [...new Set(Object.values(SCREEN_SCOPE))].filter((scope) => scope !== 'help');

/** The descriptions a scope's help shows, in order (a helpPair's two bindings share one line). */
const descriptions = (scope: Scope) =>
	helpLines(
		KEYMAP.filter((binding) => binding.scope === scope),
		scope,
	).map((line) => line.text.slice(2 + 14 + 1));

function createDeliveryStream(driver: LocalDriver) {
	driver.firehose.createDeliveryStream({
		DeliveryStreamName: 'archive',
		DeliveryStreamType: 'DirectPut',
		ExtendedS3DestinationConfiguration: {
			RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
			BucketARN: 'arn:aws:s3:::landing',
		},
	});
}

/** How to reach each screen from the streams table (with the stream `orders` selected). */
type Route = (app: Harness, driver: LocalDriver) => Promise<void>;
const ROUTES: Record<Exclude<Scope, 'global' | 'help' | 'prompt'>, Route> = {
	async streams() {},
	async stream(app) {
		app.press(keys.enter);
	},
	async tail(app) {
		app.press('t');
	},
	async record(app, driver) {
		app.press('t');
		// The tail starts at LATEST: the record is put once it is reading.
		await untilScreen(app, 'tail');
		await app.untilText(/#0 \d+ms/);
		await driver.putRecords('orders', [{PartitionKey: 'k', Data: Buffer.from('{"n":1}')}]);
		await app.untilText('{"n":1}');
		app.press(keys.enter);
	},
	async put(app) {
		app.press('p');
	},
	async reshard(app) {
		app.press(keys.enter);
		await untilScreen(app, 'stream');
		await app.untilText('OPEN');
		app.press('S');
	},
	async query(app) {
		app.press('Q');
	},
	async metrics(app) {
		app.press(keys.enter);
		await untilScreen(app, 'stream');
		app.press('m');
	},
	async consumers(app) {
		app.press('c');
	},
	async consumer(app, driver) {
		const {StreamARN} = driver.engine.describeStreamSummary({StreamName: 'orders'});
		driver.engine.registerStreamConsumer({StreamARN, ConsumerName: 'dashboard'});
		app.press('c');
		await app.untilText('› dashboard');
		app.press(keys.enter);
	},
	async firehose(app) {
		app.press('F');
	},
	async delivery(app) {
		app.press('F');
		await app.untilText('› archive');
		app.press(keys.enter);
	},
	async contexts(app) {
		app.press('X');
	},
	async repair(app) {
		app.press('c');
		await app.untilText(`› ${LEASE_TABLE}`);
		app.press(keys.enter);
		await app.until((frame) => /^› 0 /m.test(frame), 'the lease of shard 0');
		app.press('O');
	},
};

/** The console's driver for `scope`: the repair screen needs a KCL application's lease table. */
const driverFor = async (scope: Scope) =>
	scope === 'repair'
		? (await kclDriver([{shardId: 'shardId-000000000000', checkpoint: 'LATEST'}], 1)).driver
		: localDriver([['orders', 1]]);

describe('help for the screen you are on', () => {
	for (const [scope, route] of Object.entries(ROUTES) as Array<[Scope, Route]>) {
		test(`? on ${scope}: titled "${SCOPE_TITLES[scope]}", its keys first, then everywhere's; fits 80×24`, async () => {
			const driver = await driverFor(scope);
			createDeliveryStream(driver);
			const app = renderApp(driver, {width: TERMINAL.width, height: APP_HEIGHT});
			await app.untilText('› orders');
			await route(app, driver);
			await untilScreen(app, scope);

			app.press('?');
			const title = `${SCOPE_TITLES[scope]} — keys · ? or esc closes`;
			await app.until((frame) => frame.split('\n')[1] === title, `the help of ${scope}`);
			const lines = app.lines();
			expect(lines).toHaveLength(APP_HEIGHT);

			// Its own keys, in the keymap's order, right under the title…
			const own = descriptions(scope);
			own.forEach((description, i) => {
				expect(lines[2 + i], `line ${i} of ${scope}'s help`).toContain(description.slice(0, 40));
			});
			// …then the global ones, under "Everywhere", all on screen: nothing to scroll to.
			expect(lines[2 + own.length]).toBe('Everywhere');
			for (const description of descriptions('global')) {
				expect(app.frame()).toContain(description.slice(0, 40));
			}

			expect(app.frame()).not.toMatch(/j\/k scroll/);
			// Other screens' keys are not mixed in (`a` shows them, below).
			expect(lines).not.toContain('Streams');
			expect(lines).not.toContain('Prompt (: and / and other questions)');

			// ? closes it: the screen is back, taking keys.
			app.press('?');
			await untilScreen(app, scope);
		});
	}

	test("a lists every screen's keys below this screen's and the global ones, scrolled", async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver, {width: TERMINAL.width, height: APP_HEIGHT});
		await app.untilText('› orders');
		app.press('t');
		await untilScreen(app, 'tail');
		app.press('?');
		await app.untilText('Live tail — keys · ? or esc closes');
		app.press('a');
		const total = helpLines(KEYMAP, 'tail', true).length;
		// 19 lines of them: the title and the danger mark's footnote take the other two.
		let frame = await app.untilText(`Live tail — all keys · 1–${HELP_HEIGHT - 2} of ${total}`);
		expect(app.lines()[2]).toContain(descriptions('tail')[0]);
		expect(frame).toContain('Everywhere');

		// The last page: the other screens' keys, down to the help's own.
		app.press('G');
		frame = await app.untilText(`–${total} of ${total}, j/k scroll`);
		expect(frame).toContain('Help screen');

		// a again: this screen's keys only, from the top.
		app.press('a');
		await app.untilText('Live tail — keys · ? or esc closes');
	});

	test('every screen’s help fits the 21 lines an 80×24 terminal leaves it, read-only or not', () => {
		for (const readOnly of [false, true]) {
			for (const scope of screenScopes) {
				const lines = helpLines(availableBindings(readOnly), scope);
				// The title, the lines, and the footnote (read-only, or what the danger mark means).
				const height = 1 + lines.length + (helpFootnote(lines, readOnly) ? 1 : 0);
				expect(height, `${scope}, read-only ${readOnly}`).toBeLessThanOrEqual(HELP_HEIGHT);
			}
		}
	});

	test('no help line is cut at 80 columns: every description and danger mark is read whole', () => {
		for (const scope of screenScopes) {
			const lines = helpLines(KEYMAP, scope, true);
			for (const line of lines) {
				expect(stringWidth(line.text), line.text).toBeLessThanOrEqual(TERMINAL.width);
			}

			for (const line of lines.filter((each) => each.dangerous)) expect(line.text).toMatch(/^! /);
			const title = helpTitle(scope, false, {top: 0, shown: lines.length, total: lines.length});
			expect(stringWidth(title), title).toBeLessThanOrEqual(TERMINAL.width);
			expect(stringWidth(helpFootnote(lines, false) ?? '')).toBeLessThanOrEqual(TERMINAL.width);
		}
	});

	test('the footnote says what the danger mark means, and read-only mode that there is none', async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver, {width: TERMINAL.width, height: APP_HEIGHT});
		await app.untilText('› orders');
		app.press(keys.enter);
		await untilScreen(app, 'stream');
		app.press('?');
		const frame = await app.untilText('Stream: shard map — keys');
		expect(frame).toMatch(/^! S +Split the selected shard/m);
		expect(app.lines()).toContain('! marks the keys that change data (records, shards)');
	});
});
