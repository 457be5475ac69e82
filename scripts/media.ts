/**
 * `npm run media`: screenshots of the console's main screens for the readme, taken from the real app —
 * the built binary on the bundled engine with demo traffic, in an 80×24 tmux pane — and written as SVG
 * to media/. Each scene is a few key presses and a condition on the screen that says it is ready.
 */
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {screenToSvg} from './ansi-svg.js';
import {Terminal} from './terminal.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const COLUMNS = 80;
const ROWS = 24;

type Scene = {
	file: string;
	title: string;
	keys: string[];
	ready: (screen: string) => boolean;
	/** Extra time after `ready`, for live figures to fill in. */
	settleMs?: number;
};

/** In order: each scene starts where the previous one left the console. */
const SCENES: Scene[] = [
	{
		file: 'streams.svg',
		title: 'kinesis-top: the streams overview',
		keys: [],
		ready: (screen) => screen.includes('clickstream') && screen.includes('app-logs'),
		settleMs: 3000,
	},
	{
		file: 'shard-map.svg',
		title: 'kinesis-top: a stream and its shard map',
		keys: ['j', 'Enter'],
		ready: (screen) => screen.includes('KEY RANGE') && screen.includes('4 open of 4 shards'),
		settleMs: 3000,
	},
	{
		file: 'tail.svg',
		title: 'kinesis-top: a live tail of every shard',
		keys: ['Escape', 't'],
		ready: (screen) => /\d+\/[\d,]+ buffered/.test(screen) && /\{"ts":/.test(screen),
		settleMs: 2000,
	},
	{
		file: 'record.svg',
		title: 'kinesis-top: one record, decoded',
		keys: [' ', 'k', 'k', 'k', 'Enter'],
		ready: (screen) => screen.includes('SequenceNumber') || screen.includes('Sequence'),
	},
	{
		file: 'help.svg',
		title: 'kinesis-top: the key bindings',
		keys: ['Escape', '?'],
		ready: (screen) => screen.includes('— keys · ? or esc closes'),
	},
	{
		file: 'metrics.svg',
		title: 'kinesis-top: the metrics of a stream, by minute',
		keys: ['Escape', ':', 'metrics clickstream', 'Enter'],
		ready: (screen) => screen.includes('Iterator age') && /Incoming records .* now \d/.test(screen),
		settleMs: 1000,
	},
	{
		file: 'firehose.svg',
		title: 'kinesis-top: the Firehose delivery streams',
		keys: [':', 'firehose', 'Enter'],
		ready: (screen) => /› clickstream-archive +ACTIVE/.test(screen),
		settleMs: 1000,
	},
	{
		file: 'delivery-stream.svg',
		title: 'kinesis-top: a delivery stream, its buffer and deliveries',
		keys: ['Enter'],
		// Once the demo's buffer has been delivered at least once (about every half minute).
		ready: (screen) =>
			screen.includes('Buffer — exact') && /Recent deliveries \([1-9]/.test(screen),
		settleMs: 1000,
	},
	{
		file: 'split.svg',
		title: 'kinesis-top: a guided split, previewed before it is confirmed',
		keys: [':', 'stream clickstream', 'Enter', 'S'],
		ready: (screen) => screen.includes('(the middle)') && screen.includes('c confirms'),
		settleMs: 500,
	},
	{
		file: 'query.svg',
		title: 'kinesis-top: windowed SQL over the live stream',
		keys: ['Escape', ':', 'query clickstream', 'Enter'],
		// The default query's windows are 10 s: wait for two of them.
		ready: (screen) => (screen.match(/^\d\d:\d\d:\d\d–/gm) ?? []).length >= 2,
		settleMs: 500,
	},
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const terminal = await Terminal.start({
	command: [process.execPath, join(root, 'bin/kinesis-top.js'), '--local', '--in-memory', '--demo'],
	width: COLUMNS,
	height: ROWS,
	environment: {TERM: 'xterm-256color', COLORTERM: 'truecolor'},
});
try {
	for (const scene of SCENES) {
		for (const key of scene.keys) {
			await terminal.sendKeys(key);
			await sleep(150);
		}

		await terminal.until(scene.ready, scene.file, 60_000);
		await sleep(scene.settleMs ?? 500);
		const screen = await terminal.screenWithColour();
		writeFileSync(join(root, 'media', scene.file), screenToSvg(screen, COLUMNS, ROWS, scene.title));
		console.log(`media/${scene.file}`);
	}

	await terminal.sendKeys('q');
} finally {
	await terminal.close();
}
