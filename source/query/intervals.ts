/** Time units and intervals as the dialect writes them: `INTERVAL '10' SECOND`, `'10 seconds'`, `10 SECONDS`. */

const UNIT_MS = {
	MILLISECOND: 1,
	SECOND: 1000,
	MINUTE: 60_000,
	HOUR: 3_600_000,
	DAY: 86_400_000,
} as const;

export type TimeUnit = keyof typeof UNIT_MS;

/** Every spelling accepted, upper-cased, with the unit it means. */
const SPELLINGS: Record<string, TimeUnit> = {
	MS: 'MILLISECOND',
	MILLISECOND: 'MILLISECOND',
	MILLISECONDS: 'MILLISECOND',
	S: 'SECOND',
	SEC: 'SECOND',
	SECS: 'SECOND',
	SECOND: 'SECOND',
	SECONDS: 'SECOND',
	MIN: 'MINUTE',
	MINS: 'MINUTE',
	MINUTE: 'MINUTE',
	MINUTES: 'MINUTE',
	H: 'HOUR',
	HOUR: 'HOUR',
	HOURS: 'HOUR',
	D: 'DAY',
	DAY: 'DAY',
	DAYS: 'DAY',
};

/** The unit names completion offers. */
export const UNIT_NAMES: readonly string[] = Object.keys(UNIT_MS);

export function unitOf(word: string): TimeUnit | undefined {
	return SPELLINGS[word.toUpperCase()];
}

export function unitMs(unit: TimeUnit): number {
	return UNIT_MS[unit];
}

/** `'10 seconds'`, `'1.5 minutes'`, `'250ms'` → milliseconds; undefined when it is not one. */
export function parseIntervalText(text: string): number | undefined {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(text);
	if (!match) return undefined;
	const unit = unitOf(match[2]);
	return unit === undefined ? undefined : Number(match[1]) * UNIT_MS[unit];
}

/** Milliseconds as the shortest exact `N unit` text, for plans and messages. */
export function formatInterval(ms: number): string {
	for (const unit of ['DAY', 'HOUR', 'MINUTE', 'SECOND'] as const) {
		const size = UNIT_MS[unit];
		if (ms >= size && ms % size === 0) {
			const count = ms / size;
			return `${count} ${unit.toLowerCase()}${count === 1 ? '' : 's'}`;
		}
	}

	return `${ms} ms`;
}
