/**
 * The part of autocannon's API the server-bound bench uses (autocannon ships no typings, and the
 * DefinitelyTyped ones describe an older major version).
 */
declare module 'autocannon' {
	type Request = {
		method: string;
		path: string;
		headers: Record<string, string>;
		body: Buffer;
		onResponse?(status: number, body: string): void;
	};
	type Options = {
		url: string;
		connections: number;
		pipelining?: number;
		/** Seconds. */
		duration: number;
		/** Seconds a response may take before it counts as a timeout. */
		timeout?: number;
		requests: Request[];
	};
	type Result = {
		errors: number;
		timeouts: number;
		non2xx: number;
		mismatches: number;
		resets: number;
		'2xx': number;
	};
	type Instance = Promise<Result> & {stop(): void};
	export default function autocannon(options: Options): Instance;
}
