/**
 * The command line, parsed by meow and then checked the way a CLI should: unknown commands and flags,
 * flags that do not apply to the command, missing or extra arguments and flags without a value are all
 * usage errors (exit status 2), found before any backend is opened.
 */
import meow from 'meow';
import type {BackendOptions} from '../driver/open-driver.js';
import {UsageError, type AnyCommand} from './command.js';
import {resolveCommand} from './commands.js';
import {parseSize} from './size.js';
import {parseRetryFor} from './duration.js';
import {
	COMMAND_FLAGS,
	CONSOLE_FLAGS,
	FLAGS,
	flagText,
	GLOBAL_FLAGS,
	type FlagName,
	type Flags,
} from './flags.js';

export type CommandLine = {
	/** Undefined: open the console. */
	command: AnyCommand | undefined;
	/** The positional arguments after the command name. */
	input: string[];
	flags: Flags;
	backend: BackendOptions;
	/** How long a headless command retries a failing call (--retry-for, default 30 s). */
	retryForMs: number;
	version: string;
};

const DEFAULT_RETRY_FOR_MS = 30_000;

const camelCase = (name: string) =>
	name.replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const isFlagName = (name: string): name is FlagName => Object.hasOwn(FLAGS, name);

export function parseCommandLine(argv: readonly string[]): CommandLine {
	const given = givenFlags(argv);
	let cli;
	try {
		cli = meow({
			argv: [...argv],
			importMeta: import.meta,
			flags: FLAGS,
			description: false,
			// Checked here instead: meow would print and exit the process, and run() must not.
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}

	const {flags} = cli;
	const version = String(cli.pkg.version ?? 'unknown');
	if (flags.help || flags.version) {
		return {
			command: undefined,
			input: cli.input.slice(1),
			flags,
			backend: {},
			retryForMs: DEFAULT_RETRY_FOR_MS,
			version,
		};
	}

	const {command, input} = resolveCommand(cli.input);
	// An engine command (serve) and a plain one (contexts) take their own flags only: they open no backend.
	const ownFlagsOnly = command?.kind === 'engine' || command?.kind === 'plain';
	const allowed = new Set<FlagName>(
		ownFlagsOnly
			? ['help', 'version', ...command.flags]
			: [...GLOBAL_FLAGS, ...(command ? [...COMMAND_FLAGS, ...command.flags] : CONSOLE_FLAGS)],
	);
	for (const flag of given) {
		if (!allowed.has(flag)) {
			throw new UsageError(
				command
					? `${flagText(flag)} does not apply to ${command.name}`
					: `${flagText(flag)} needs a command`,
			);
		}

		// A repeatable flag (`serve --create`) is a list: each of its values must be there.
		const value: unknown = flags[flag];
		const values = Array.isArray(value) ? (value as unknown[]) : [value];
		if (
			FLAGS[flag].type === 'string' &&
			values.some((each) => typeof each !== 'string' || each.trim() === '')
		) {
			throw new UsageError(`${flagText(flag)} needs a value`);
		}
	}

	if (command) checkArguments(command, input);
	const backend = ownFlagsOnly ? {} : backendOptions(flags);
	const retryForMs =
		flags.retryFor === undefined
			? DEFAULT_RETRY_FOR_MS
			: parseRetryFor(flags.retryFor, flagText('retryFor'));
	return {command, input, flags, backend, retryForMs, version};
}

/** The flags named on the command line (meow fills in defaults, so it cannot tell). */
function givenFlags(argv: readonly string[]): Set<FlagName> {
	const given = new Set<FlagName>();
	for (const token of argv) {
		if (token === '--') break;
		if (token.startsWith('--')) {
			const written = token.slice(2).split('=')[0];
			let name = camelCase(written);
			if (!isFlagName(name) && written.startsWith('no-')) name = camelCase(written.slice(3));
			if (!isFlagName(name)) throw new UsageError(`unknown flag --${written}`);
			given.add(name);
		} else if (/^-[^-\d]/.test(token)) {
			for (const letter of token.slice(1)) {
				if (letter !== 'h') throw new UsageError(`unknown flag -${letter}`);
				given.add('help');
			}
		}
	}

	return given;
}

function checkArguments(command: AnyCommand, input: string[]) {
	const expected = command.arguments;
	if (input.length < expected.length) {
		throw new UsageError(`${command.name} needs ${expected.slice(input.length).join(' ')}`);
	}

	if (input.length > expected.length) {
		throw new UsageError(
			`too many arguments for ${command.name}: ${input.slice(expected.length).join(' ')}`,
		);
	}
}

function backendOptions(flags: Flags): BackendOptions {
	if (flags.context !== undefined) {
		const naming = (['local', 'endpoint', 'profile', 'dataDir', 'inMemory'] as const).filter(
			(name) => (name === 'local' || name === 'inMemory' ? flags[name] : flags[name] !== undefined),
		);
		if (naming.length > 0) {
			throw new UsageError(
				`--context names the backend: drop ${naming.map((name) => flagText(name)).join(', ')}`,
			);
		}
	}

	if (flags.readOnly && flags.readWrite) {
		throw new UsageError('--read-only and --read-write contradict each other: use one');
	}

	if (flags.local && flags.endpoint !== undefined) {
		throw new UsageError('--local and --endpoint name different backends: use one');
	}

	if (flags.dataDir !== undefined && flags.inMemory) {
		throw new UsageError('--data-dir and --in-memory cannot be used together');
	}

	if (
		!flags.local &&
		(flags.dataDir !== undefined ||
			flags.inMemory ||
			!flags.limits ||
			flags.maxMemory !== undefined)
	) {
		throw new UsageError(
			'--data-dir, --in-memory, --max-memory and --no-limits are for the bundled engine: add --local',
		);
	}

	if (flags.endpoint !== undefined && !isHttpUrl(flags.endpoint)) {
		throw new UsageError(`--endpoint must be an http:// or https:// URL, not "${flags.endpoint}"`);
	}

	if (flags.http1 && flags.http2) {
		throw new UsageError('--http1 and --http2 name different HTTP versions: use one');
	}

	if (flags.local && (flags.http1 || flags.http2)) {
		throw new UsageError('--http1 and --http2 are for endpoints: the bundled engine has no HTTP');
	}

	return {
		local: flags.local,
		dataDirectory: flags.dataDir,
		inMemory: flags.inMemory,
		maxMemoryBytes:
			flags.maxMemory === undefined ? undefined : parseSize(flags.maxMemory, '--max-memory'),
		enforceLimits: flags.limits,
		endpoint: flags.endpoint,
		httpVersion: flags.http1 ? '1.1' : flags.http2 ? '2' : 'auto',
		region: flags.region,
		profile: flags.profile,
		readOnly: flags.readOnly,
	};
}

function isHttpUrl(text: string) {
	try {
		return ['http:', 'https:'].includes(new URL(text).protocol);
	} catch {
		return false;
	}
}
