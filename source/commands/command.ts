/** What a headless command is, what it is given to run, and the usage error it throws. */
import type {Readable, Writable} from 'node:stream';
import type {ContextOpener} from '../contexts/context-opener.js';
import type {Context} from '../contexts/context.js';
import type {Driver} from '../driver/driver.js';
import type {LocalBackend, LocalBackendOptions} from '../engine/local-backend.js';
import type {FlagName, Flags} from './flags.js';
import type {Output} from './output.js';

export type ConsoleOptions = {
	driver: Driver;
	demo: boolean;
	demoRate?: number;
	/** Records a live tail keeps in memory (--tail-buffer). */
	tailBufferSize?: number;
	/** Where the console's audit.log of splits, merges and scalings goes: the data directory. */
	auditDirectory?: string;
	/** --alert-iterator-age: above it a stream is highlighted and the bell rings once per crossing. */
	alertIteratorAgeMs?: number;
	/** Switching contexts from the console, and the context it starts in. */
	contexts?: {opener: ContextOpener; initialContext?: Context};
};

/** The process's streams, or in-memory ones in tests. */
export type CommandIo = {
	stdin: Readable;
	stdout: Writable;
	stderr: Writable;
	/** Whether there is a terminal to draw the console on. */
	isTTY?: boolean;
	/** Aborts the running command (Ctrl-C): it stops and the status is 130. */
	signal?: AbortSignal;
	/** Opens the console; cli.tsx passes runConsole. Without it `kinesis-top` alone is refused. */
	openConsole?: (options: ConsoleOptions) => Promise<void>;
	/** The environment the backend reads (credentials, data directory); process.env by default. */
	environment?: NodeJS.ProcessEnv;
};

export type CommandContext = {
	driver: Driver;
	/** stdout, stopping quietly when its reader goes away. */
	out: Output;
	io: CommandIo;
	json: boolean;
	/** Aborted by Ctrl-C or when stdout's reader goes away. */
	signal: AbortSignal;
	/** The named context the driver was opened as, when there is one. */
	context?: Context;
	/** Where changes made (a lease repair) are logged in audit.log: the data directory. */
	auditDirectory?: string;
};

/** Runs with a driver; resolves to the exit status (0 when undefined). */
export type Action = (context: CommandContext) => Promise<number | void>;

export type Command = {
	kind?: 'driver';
	name: string;
	/** The positional arguments after the command name, all required, as the help names them. */
	arguments: readonly string[];
	/** Flags it accepts besides the global ones. */
	flags: readonly FlagName[];
	/** Checks the arguments (throwing a UsageError) before any backend is opened. */
	prepare(input: readonly string[], flags: Flags): Action;
	/**
	 * Whether it runs until stopped (a following tail or query): then a failing call is retried for as
	 * long as it runs, instead of for --retry-for.
	 */
	follows?(flags: Flags): boolean;
};

/** What an engine command runs with: the bundled engines themselves, opened by run() and closed after. */
export type EngineContext = {
	backend: LocalBackend;
	out: Output;
	io: CommandIo;
	/** Aborted by Ctrl-C or SIGTERM: the command stops gracefully and resolves. */
	signal: AbortSignal;
};

/** Runs with the engine; resolves to the exit status (0 when undefined). */
export type EngineAction = (context: EngineContext) => Promise<number | void>;

/**
 * A command that needs the engine itself rather than a Driver — `serve`, which puts the engine on the
 * network. It takes no backend flags but its own (the engine's settings included), and run() opens
 * the engine those settings describe, runs the action, and closes the engine (waiting for its writes).
 */
export type EngineCommand = {
	kind: 'engine';
	name: string;
	arguments: readonly string[];
	/** Every flag it accepts besides --help and --version. */
	flags: readonly FlagName[];
	/** Checks the arguments and flags (throwing a UsageError) and says which engine to open. */
	prepare(
		input: readonly string[],
		flags: Flags,
		environment: NodeJS.ProcessEnv,
	): {engine: LocalBackendOptions; action: EngineAction};
};

/** What a plain command runs with: no backend at all (it reads files, say). */
export type PlainContext = {
	out: Output;
	io: CommandIo;
	json: boolean;
	flags: Flags;
};

/** A command that opens no backend, such as `contexts`: the backend flags are refused. */
export type PlainCommand = {
	kind: 'plain';
	name: string;
	arguments: readonly string[];
	/** Every flag it accepts besides --help and --version. */
	flags: readonly FlagName[];
	prepare(
		input: readonly string[],
		flags: Flags,
	): (context: PlainContext) => Promise<number | void>;
};

export type AnyCommand = Command | EngineCommand | PlainCommand;

/** Wrong usage: exit status 2, with the help. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

/** A whole number ≥ `minimum` (and ≤ `maximum`, when given) from a flag's text. */
export function parseCount(
	text: string,
	flag: string,
	minimum = 1,
	maximum = Number.MAX_SAFE_INTEGER,
): number {
	const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
		throw new UsageError(
			maximum === Number.MAX_SAFE_INTEGER
				? `${flag} must be a whole number of at least ${minimum}, not "${text}"`
				: `${flag} must be a whole number from ${minimum} to ${maximum}, not "${text}"`,
		);
	}

	return value;
}

/** A hash key: a decimal integer in 0 … 2^128 − 1. */
export function parseHashKey(text: string, flag: string): string {
	const value = text.trim();
	if (!/^(0|[1-9]\d{0,38})$/.test(value) || BigInt(value) > (1n << 128n) - 1n) {
		throw new UsageError(
			`${flag} must be a hash key, a whole number from 0 to 2^128-1, not "${text}"`,
		);
	}

	return value;
}
