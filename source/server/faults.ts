/**
 * Fault injection for `serve --faults throttle=0.05,error=0.01,latency=20ms`, so clients can test their
 * retry paths against the errors AWS sends when it throttles or fails: a share of calls is answered
 * with the service's throttling error, a share with InternalFailure (500), and every call is delayed
 * by the latency. The defaults apply to every call; a stream can be given settings of its own at run
 * time (`POST /_faults`, see serve-endpoints.ts), which then apply to the calls naming it instead.
 *
 * Which call gets a fault is drawn at random, or, with `--faults-seed N`, from a seeded generator, so a
 * test making its calls one at a time sees the same faults on every run.
 */

export type FaultSettings = {
	/** The share of calls answered with the throttling error, 0–1. */
	throttle: number;
	/** The share of calls answered InternalFailure, 0–1. */
	error: number;
	/** Every call waits this long before it is answered. */
	latencyMs: number;
};

export const NO_FAULTS: FaultSettings = {throttle: 0, error: 0, latencyMs: 0};
export const MAX_LATENCY_MS = 60_000;

/** A fault setting that cannot be applied, in words for the person who asked for it. */
export class FaultSettingError extends Error {
	override readonly name = 'FaultSettingError';
}

const SHARE = /^(0|1|0?\.\d+|[01]\.0*)$/;
const PERCENT = /^(\d{1,3}(\.\d+)?)%$/;

/** `0.05` or `5%` as a share from 0 to 1. */
export function parseShare(text: string, name: string): number {
	const trimmed = text.trim();
	const percent = PERCENT.exec(trimmed);
	const value = percent
		? Number(percent[1]) / 100
		: SHARE.test(trimmed)
			? Number(trimmed)
			: Number.NaN;
	if (!(value >= 0 && value <= 1)) {
		throw new FaultSettingError(
			`${name} must be a share from 0 to 1 (0.05) or a percentage (5%), not "${text}"`,
		);
	}

	return value;
}

/** `20ms`, `1.5s` or `0` as milliseconds, at most a minute. */
export function parseLatency(text: string): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text.trim());
	const value =
		text.trim() === '0' ? 0 : match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : Number.NaN;
	if (!(value >= 0 && value <= MAX_LATENCY_MS)) {
		throw new FaultSettingError(
			`latency must be a duration from 0 to 60s such as 20ms or 1s, not "${text}"`,
		);
	}

	return Math.round(value);
}

function checkTotal(settings: FaultSettings) {
	// With a little room for decimal shares that sum to 1 in binary floating point (0.7 + 0.3).
	if (settings.throttle + settings.error > 1 + 1e-9) {
		throw new FaultSettingError(
			`throttle and error together cannot exceed 1 (all calls), not ${settings.throttle} + ${settings.error}`,
		);
	}
}

/** `throttle=0.05,error=0.01,latency=20ms` (any of the three, in any order). */
export function parseFaultSettings(text: string): FaultSettings {
	const settings = {...NO_FAULTS};
	const seen = new Set<string>();
	for (const part of text.split(',')) {
		const [name, value, ...rest] = part.split('=');
		const key = name.trim();
		if (value === undefined || rest.length > 0 || !['throttle', 'error', 'latency'].includes(key)) {
			throw new FaultSettingError(
				`faults are throttle=SHARE, error=SHARE and latency=DURATION joined by commas (throttle=0.05,error=0.01,latency=20ms), not "${part}"`,
			);
		}

		if (seen.has(key)) throw new FaultSettingError(`${key} is given twice`);
		seen.add(key);
		if (key === 'latency') settings.latencyMs = parseLatency(value);
		else settings[key as 'throttle' | 'error'] = parseShare(value, key);
	}

	checkTotal(settings);
	return settings;
}

/**
 * mulberry32: a small, fast generator whose sequence a 32-bit seed fixes — what a test needs, not
 * cryptography.
 */
function seededRandom(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

export type FaultDraw = {fault: 'throttle' | 'error' | undefined; latencyMs: number};

/** The settings in force (defaults and per-stream overrides) and the draws made against them. */
export class Faults {
	private defaults: FaultSettings;
	private readonly streams = new Map<string, FaultSettings>();
	private readonly random: () => number;

	constructor(
		defaults: FaultSettings = NO_FAULTS,
		readonly seed?: number,
	) {
		checkTotal(defaults);
		this.defaults = {...defaults};
		this.random = seed === undefined ? Math.random : seededRandom(seed);
	}

	/**
	 * The settings a call naming `stream` (or none) gets: the stream's own when it has them — all three,
	 * not mixed with the defaults, so what a test sets for its stream is all that applies — else the
	 * defaults.
	 */
	settingsFor(stream: string | undefined): FaultSettings {
		return (stream === undefined ? undefined : this.streams.get(stream)) ?? this.defaults;
	}

	/**
	 * Changes the defaults (no stream) or one stream's own settings; what is not given stays as it was
	 * (a stream's first change starts from no faults).
	 */
	update(stream: string | undefined, change: Partial<FaultSettings>) {
		const next = {
			...(stream === undefined ? this.defaults : (this.streams.get(stream) ?? NO_FAULTS)),
			...change,
		};
		checkTotal(next);
		if (stream === undefined) this.defaults = next;
		else this.streams.set(stream, next);
	}

	/** Removes one stream's own settings, or, without a stream, every fault. */
	clear(stream?: string) {
		if (stream !== undefined) {
			this.streams.delete(stream);
			return;
		}

		this.defaults = {...NO_FAULTS};
		this.streams.clear();
	}

	/** What `GET /_faults` shows. */
	view() {
		return {
			default: {...this.defaults},
			streams: Object.fromEntries(this.streams),
			seed: this.seed ?? null,
		};
	}

	/** Whether any call could get a fault or a delay. */
	get active() {
		const {throttle, error, latencyMs} = this.defaults;
		return throttle > 0 || error > 0 || latencyMs > 0 || this.streams.size > 0;
	}

	/** One call's fate: one number drawn per call, so a seed fixes which calls fail. */
	draw(stream: string | undefined): FaultDraw {
		const settings = this.settingsFor(stream);
		const value = this.random();
		const fault =
			value < settings.throttle
				? 'throttle'
				: value < settings.throttle + settings.error
					? 'error'
					: undefined;
		return {fault, latencyMs: settings.latencyMs};
	}
}
