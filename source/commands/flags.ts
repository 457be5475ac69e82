/** Every flag kinesis-top takes, as meow parses them, and which of them apply everywhere. */
import type {TypedFlags} from 'meow';

export const FLAGS = {
	// Backend: every command and the console.
	local: {type: 'boolean', default: false},
	dataDir: {type: 'string'},
	inMemory: {type: 'boolean', default: false},
	maxMemory: {type: 'string'},
	limits: {type: 'boolean', default: true},
	endpoint: {type: 'string'},
	http1: {type: 'boolean', default: false},
	http2: {type: 'boolean', default: false},
	region: {type: 'string'},
	profile: {type: 'string'},
	readOnly: {type: 'boolean', default: false},
	readWrite: {type: 'boolean', default: false},
	context: {type: 'string'},
	retryFor: {type: 'string'},
	json: {type: 'boolean', default: false},
	help: {type: 'boolean', shortFlag: 'h', default: false},
	version: {type: 'boolean', default: false},
	// The console.
	demo: {type: 'boolean', default: false},
	demoRate: {type: 'string'},
	tailBuffer: {type: 'string'},
	alertIteratorAge: {type: 'string'},
	// Commands. Numbers are strings here and checked by the command, to reject `3x` and `1e3` alike.
	shards: {type: 'string'},
	onDemand: {type: 'boolean', default: false},
	key: {type: 'string'},
	keyField: {type: 'string'},
	data: {type: 'string'},
	explicitHashKey: {type: 'string'},
	shard: {type: 'string'},
	from: {type: 'string'},
	follow: {type: 'boolean', default: true},
	limit: {type: 'string'},
	at: {type: 'string'},
	since: {type: 'string'},
	schema: {type: 'boolean', default: false},
	// tail's end bound, and copy.
	to: {type: 'string'},
	where: {type: 'string'},
	rate: {type: 'string'},
	dryRun: {type: 'boolean', default: false},
	yes: {type: 'boolean', default: false},
	checkpoint: {type: 'string'},
	// lag.
	kclTable: {type: 'string'},
	sample: {type: 'string'},
	resetCheckpoint: {type: 'string'},
	releaseLease: {type: 'string'},
	// serve.
	host: {type: 'string'},
	port: {type: 'string'},
	accountId: {type: 'string'},
	createMs: {type: 'string'},
	deleteMs: {type: 'string'},
	updateMs: {type: 'string'},
	verifySignatures: {type: 'boolean', default: false},
	accessKeyId: {type: 'string'},
	secretAccessKey: {type: 'string'},
	tls: {type: 'boolean', default: false},
	cert: {type: 'string'},
	// `key` (a partition key) is taken: `--key` is one flag whichever command reads it.
	create: {type: 'string', isMultiple: true},
	faults: {type: 'string'},
	faultsSeed: {type: 'string'},
} as const;

export type FlagName = keyof typeof FLAGS;
export type Flags = TypedFlags<typeof FLAGS>;

/** Flags every command accepts. */
export const GLOBAL_FLAGS: readonly FlagName[] = [
	'local',
	'dataDir',
	'inMemory',
	'maxMemory',
	'limits',
	'endpoint',
	'http1',
	'http2',
	'region',
	'profile',
	'readOnly',
	'readWrite',
	'context',
	'json',
	'help',
	'version',
];

/**
 * Flags every headless command accepts besides the global ones. `--retry-for` bounds a command's
 * retrying; the console has no such bound (its screens retry and say so for as long as it is open).
 */
export const COMMAND_FLAGS: readonly FlagName[] = ['retryFor'];

/** Flags only the console (kinesis-top with no command) accepts. */
export const CONSOLE_FLAGS: readonly FlagName[] = [
	'demo',
	'demoRate',
	'tailBuffer',
	'alertIteratorAge',
];

/** `dataDir` → `--data-dir`. */
export const flagText = (name: FlagName) =>
	'--' + name.replaceAll(/[A-Z]/g, (letter) => '-' + letter.toLowerCase());
