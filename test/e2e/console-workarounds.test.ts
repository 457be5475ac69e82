/**
 * The console's two workarounds, locked down in the real binary on the Node running the tests (CI runs
 * 20 and 24): the loader hook that bounds Ink 6's text caches applies (and says so once when it cannot),
 * and the internal V8 flag --heap-growing-percent that the console sets at run time is still accepted
 * (and the console starts normally on a Node that refuses it).
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {PtyTerminal} from '../../bench/pty-terminal.js';
import {CACHE_LIMIT} from '../../source/ui/bounded-ink-caches.js';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';

const preload = (name: string) => join(root, 'test/fixtures/console-preloads', name);
const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const CACHE_WARNING = "warning: Ink's text caches could not be bounded";

describe('the console’s workarounds, in the real binary', () => {
	let terminal: PtyTerminal | undefined;
	beforeAll(ensureBuilt, 300_000);
	afterEach(async () => {
		await terminal?.close();
		terminal = undefined;
	});

	/** The console, in memory, with `nodeOptions` before the script; resolves once it has drawn. */
	async function openConsole(nodeOptions: string[], environment: Record<string, string> = {}) {
		terminal = PtyTerminal.start({
			command: [
				process.execPath,
				...nodeOptions,
				join(root, 'bin/kinesis-top.js'),
				'--local',
				'--in-memory',
			],
			environment,
		});
		await terminal.until('No streams in', 'the streams table');
		return terminal;
	}

	async function quit(console: PtyTerminal) {
		console.sendKeys('q');
		expect(await console.exited(10_000), 'the console to exit').toBe(true);
		expect(console.exitCode).toBe(0);
	}

	test('Ink’s caches stay bounded after it draws 10,000 distinct lines', async () => {
		const report = join(mkdtempSync(join(tmpdir(), 'kinesis-top-ink-caches-')), 'report.json');
		const console = await openConsole(['--import', preload('draw-distinct-lines.mjs')], {
			KINESIS_TOP_INK_CACHE_REPORT: report,
		});
		writeFileSync(`${report}.go`, '');
		const sizes = await waitFor(
			() => JSON.parse(readFileSync(report, 'utf8')) as Record<string, number | null>,
			{timeoutMs: 30_000, message: 'the cache report'},
		);
		expect(sizes.lines).toBe(10_000);
		// Both caches were used (every line measured and wrapped) and neither kept all it saw.
		expect(sizes.measureText).toBeGreaterThan(0);
		expect(sizes.measureText).toBeLessThanOrEqual(CACHE_LIMIT);
		expect(sizes.wrapText).toBeGreaterThan(0);
		expect(sizes.wrapText).toBeLessThanOrEqual(CACHE_LIMIT);
		expect(console.rawOutput()).not.toContain(CACHE_WARNING);
		await quit(console);
	}, 60_000);

	test('an Ink whose source reads otherwise: one warning before the screen, then the console', async () => {
		const console = await openConsole(['--import', preload('ink-source-changed.mjs')]);
		const output = console.rawOutput();
		const warning = output.indexOf(CACHE_WARNING);
		expect(warning).toBeGreaterThan(-1);
		expect(output.indexOf(CACHE_WARNING, warning + 1)).toBe(-1);
		expect(output.slice(warning)).toMatch(/\(measure-text: not the Ink source/);
		expect(warning).toBeLessThan(output.indexOf(ENTER_ALTERNATE_SCREEN));
		await quit(console);
	}, 60_000);

	test('the Ink installed is the one package.json pins, exactly', () => {
		const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
			dependencies: Record<string, string>;
		};
		const ink = dirname(dirname(createRequire(import.meta.url).resolve('ink')));
		const installed = JSON.parse(readFileSync(join(ink, 'package.json'), 'utf8')) as {
			version: string;
		};
		expect(manifest.dependencies.ink).toMatch(/^\d+\.\d+\.\d+$/);
		expect(installed.version).toBe(manifest.dependencies.ink);
	});

	test(`--heap-growing-percent is still a flag of this Node's V8 (${process.version})`, () => {
		const set = spawnSync(
			process.execPath,
			['-e', "require('node:v8').setFlagsFromString('--heap-growing-percent=50')"],
			{encoding: 'utf8'},
		);
		expect(set).toMatchObject({status: 0, stdout: '', stderr: ''});
		// On the command line V8 refuses a flag it does not know (status 9): the flag is known.
		const accepted = spawnSync(process.execPath, ['--heap-growing-percent=50', '-e', '0']);
		expect(accepted.status).toBe(0);
		const refused = spawnSync(process.execPath, ['--kinesis-top-no-such-flag=50', '-e', '0']);
		expect(refused.status).toBe(9);
	});

	test('on a Node whose V8 refuses the flag, the console starts and quits normally', async () => {
		const console = await openConsole(['--import', preload('heap-flag-unknown.mjs')]);
		// V8 said it did not know the flag (so the refusal was real), and the console drew all the same.
		expect(console.rawOutput()).toContain('unrecognized flag --kinesis-top-no-such-flag=50');
		await quit(console);
	}, 60_000);
});
