/**
 * Switching contexts in the console, over the real AWS driver and two servers: `:ctx` and the contexts
 * screen, the header's label, production read-only in the UI and the driver, an expired SSO session
 * said in words while the other contexts stay usable, and nothing left running after switches under a
 * live tail. At 80×24.
 */
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {chooseBackend} from '../../source/contexts/choose-context.js';
import {ContextOpener} from '../../source/contexts/context-opener.js';
import {targetContext} from '../../source/contexts/context.js';
import {openDriver} from '../../source/driver/open-driver.js';
import {ContextSwitcher} from '../../source/ui/context-switcher.js';
import {createTheme} from '../../source/ui/theme.js';
import {
	contextHome,
	serveStreams,
	stopServed,
	type ContextHome,
	type ServedEngine,
} from '../helpers/context-home.js';
import {waitFor} from '../helpers/wait-for.js';
import {
	afterTest,
	cleanUp,
	expectFits,
	FAST_RATES,
	FAST_TAIL,
	keys,
	renderConsole,
} from './render-app.js';

let alpha: ServedEngine;
let beta: ServedEngine;
let home: ContextHome;
const savedEnvironment: NodeJS.ProcessEnv = {};

beforeAll(async () => {
	[alpha, beta] = await Promise.all([
		serveStreams(['alpha-orders', 'alpha-clicks']),
		serveStreams(['beta-logs']),
	]);
	home = contextHome(alpha.url, beta.url);
	// The SDK reads its SSO token cache and credentials from this process's HOME and AWS_* variables:
	// the test's HOME, and none of the machine's, while this file runs (its own worker process).
	for (const name of Object.keys(process.env)) {
		if (name.startsWith('AWS_')) {
			savedEnvironment[name] = process.env[name];
			delete process.env[name];
		}
	}

	savedEnvironment.HOME = process.env.HOME;
	Object.assign(process.env, home.environment);
});

afterAll(async () => {
	for (const name of Object.keys(home.environment)) delete process.env[name];
	for (const [name, value] of Object.entries(savedEnvironment)) {
		if (value !== undefined) process.env[name] = value;
	}

	await stopServed(alpha);
	await stopServed(beta);
	home.remove();
});

afterEach(cleanUp);

/** The console as `kinesis-top --context NAME` opens it. */
async function consoleIn(name: string) {
	const {environment} = home;
	const chosen = await chooseBackend({context: name, backend: {}}, environment);
	const driver = await openDriver(chosen.backend, environment);
	if (chosen.context) driver.target.context = targetContext(chosen.context);
	const opener = new ContextOpener({
		initial: {driver, context: chosen.context},
		request: {backend: {}},
		environment,
	});
	afterTest(async () => {
		await opener.close();
		await driver.close();
	});
	const app = renderConsole(
		<ContextSwitcher
			driver={driver}
			opener={opener}
			initialContext={chosen.context}
			theme={createTheme(true)}
			pollIntervalMs={50}
			tailOptions={FAST_TAIL}
			rateOptions={FAST_RATES}
			width={80}
			height={24}
		/>,
		80,
		24,
	);
	const command = async (text: string) => {
		app.press(':');
		await app.untilText(/^: {2}\S/m);
		app.type(text);
		await app.until(
			(frame) => frame.split('\n').at(-1)!.trimEnd() === `:${text}`,
			`:${text} typed`,
		);
		app.press(keys.enter);
	};

	return {app, opener, command};
}

describe('contexts in the console', () => {
	test(':ctx switches endpoint, the header says where, the screens reload', async () => {
		const {app, command} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[alpha\] endpoint · eu-west-1/);
		await command('ctx beta');
		await app.untilText('beta-logs');
		expect(app.frame()).not.toContain('alpha-orders');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[beta\] endpoint · us-west-2/);
		expect(app.lines().at(-1)).toBe('Now in beta');
		expectFits(app);
	});

	test('the contexts screen lists every context; Enter on production opens it read-only and says so', async () => {
		const {app, opener} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		app.press('X');
		await app.untilText('Contexts 5');
		// The rows under the header, the title and the column names: the current one marked ●.
		const rows = app.lines().slice(3, 8);
		const port = (served: ServedEngine) => new URL(served.url).port;
		expect(rows[0]).toMatch(
			new RegExp(
				`^› ● alpha +http://127\\.0\\.0\\.1:${port(alpha)} +eu-west-1 +000000000000 +read-write`,
			),
		);
		expect(rows[1]).toMatch(
			new RegExp(`^  beta +http://127\\.0\\.0\\.1:${port(beta)} +us-west-2 +— +read-write`),
		);
		expect(rows[2]).toMatch(/^ {2}lab \(LAB\) +local \(in memory\) +— +read-write/);
		expect(rows[3]).toMatch(
			new RegExp(
				`^  ops-prod +http://127\\.0\\.0\\.1:${port(alpha)} +eu-west-1 +— +PROD read-only`,
			),
		);
		expect(rows[4]).toMatch(/^ {2}sso-dev +aws eu-west-1 +eu-west-1 +— +read-write/);

		expectFits(app);
		for (let index = 0; index < 3; index++) app.press('j');
		await app.until((frame) => /› ops-prod/.test(frame), 'ops-prod selected');
		app.press(keys.enter);
		await app.untilText('Now in ops-prod: PRODUCTION, read-only');
		expect(app.lines()[0]).toMatch(
			/^kinesis-top \[ops-prod\] endpoint · eu-west-1.* \[READ-ONLY\]/,
		);
		await app.untilText('alpha-orders');
		// No put key in read-only mode, and the driver refuses one anyway.
		expect(app.lines().at(-1)).not.toContain('put');
		const {driver} = await opener.switchTo('ops-prod');
		const put = driver.putRecords('alpha-orders', [{PartitionKey: 'k', Data: Buffer.from('x')}]);
		await expect(put).rejects.toThrow(/read-only mode: putRecords is not allowed/);
		expect(alpha.engine.describeStreamSummary({StreamName: 'alpha-orders'}).OpenShardCount).toBe(1);
		const records = alpha.engine.getRecords({
			ShardIterator: alpha.engine.getShardIterator({
				StreamName: 'alpha-orders',
				ShardId: 'shardId-000000000000',
				ShardIteratorType: 'TRIM_HORIZON',
			}).ShardIterator,
		});
		expect(records.Records).toEqual([]);
	});

	test('an expired SSO session is said with the command to run; the other contexts stay usable', async () => {
		const {app, command} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		await command('ctx sso-dev');
		await app.untilText('aws sso login --profile sso-dev', 10_000);
		expectFits(app);
		await command('ctx alpha');
		await app.untilText('alpha-orders');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[alpha\]/);
	});

	test(':region reopens the context in another region; a local context opens the bundled engine', async () => {
		const {app, command} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		await command('region us-east-2');
		await app.untilText('Now in alpha in us-east-2');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[alpha\] endpoint · us-east-2/);
		await app.untilText('alpha-orders');
		await command('ctx lab');
		await app.untilText('Now in LAB');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[LAB\] local · .* in memory/);
		await app.untilText('No streams');
		expectFits(app);
	});

	test('an unknown context changes nothing', async () => {
		const {app, command} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		await command('ctx nowhere');
		await app.untilText('Could not switch to nowhere: no context named "nowhere"');
		expect(app.lines()[0]).toMatch(/^kinesis-top \[alpha\]/);
		expect(app.frame()).toContain('alpha-orders');
	});

	test('switching back and forth under a live tail leaves no poller running on the old context', async () => {
		const {app, command} = await consoleIn('alpha');
		await app.untilText('alpha-orders');
		app.press('t');
		await app.untilText(/alpha-(clicks|orders) · /);
		for (let round = 0; round < 3; round++) {
			await command('ctx beta');
			await app.untilText('beta-logs');
			app.press('t');
			await app.untilText(/beta-logs · /);
			await command('ctx alpha');
			await app.untilText('alpha-orders');
		}

		// On beta's screens only: alpha's listing, tail and rates must all have stopped.
		await command('ctx beta');
		await app.untilText('beta-logs');
		// Calls already sent may still arrive: alpha is quiet once beta has been polled a while.
		const betaAtSwitch = beta.calls();
		await waitFor(() => beta.calls() > betaAtSwitch + 10, {message: 'beta polled'});
		const alphaBefore = alpha.calls();
		await waitFor(() => beta.calls() > betaAtSwitch + 40, {message: 'beta polled more'});
		expect(alpha.calls() - alphaBefore).toBe(0);
	});
});
