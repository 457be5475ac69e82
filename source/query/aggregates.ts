/**
 * The aggregate functions: each makes accumulators that take values one at a time, merge (session
 * windows join when a record bridges two) and give their result. NULL inputs are skipped, as in SQL.
 */
import {DDSketch} from './sketches/dd-sketch.js';
import {HLL_STANDARD_ERROR, HyperLogLog} from './sketches/hyperloglog.js';
import {SpaceSaving} from './sketches/space-saving.js';
import {compareValues, keyOf, toNumber, type ValueType} from './values.js';

export interface Accumulator {
	/** `time`: the record's time, for FIRST and LAST. */
	add(value: unknown, time: number): void;
	merge(other: Accumulator): void;
	result(): unknown;
	/** Set once the result is an estimate, saying how good it is. */
	approximation?: string;
}

export type AggregateDefinition = {
	name: string;
	/** Arguments after the value: constants (TOPK's k, APPROX_PERCENTILE's q). */
	constants: number;
	/** Whether COUNT(*) is allowed. */
	star?: boolean;
	distinct?: boolean;
	type: (input: ValueType) => ValueType;
	/** Checks the constants; returns a message when they are wrong. */
	check?: (constants: number[]) => string | undefined;
	create: (constants: number[], options: {distinct: boolean; star: boolean}) => () => Accumulator;
	description: string;
};

/** COUNT(DISTINCT) counts exactly up to here, then switches to HyperLogLog. */
export const EXACT_DISTINCT_LIMIT = 10_000;

class CountAll implements Accumulator {
	count = 0;
	add() {
		this.count++;
	}

	merge(other: CountAll) {
		this.count += other.count;
	}

	result() {
		return this.count;
	}
}

class Count implements Accumulator {
	count = 0;
	add(value: unknown) {
		if (value !== null && value !== undefined) this.count++;
	}

	merge(other: Count) {
		this.count += other.count;
	}

	result() {
		return this.count;
	}
}

class CountDistinct implements Accumulator {
	private exact: Set<unknown> | undefined = new Set();
	private sketch: HyperLogLog | undefined;
	approximation?: string;

	add(value: unknown) {
		if (value === null || value === undefined) return;
		const key = keyOf(value);
		if (this.exact) {
			this.exact.add(key);
			if (this.exact.size > EXACT_DISTINCT_LIMIT) this.toSketch();
		} else {
			this.sketch!.add(String(key));
		}
	}

	private toSketch() {
		this.sketch = new HyperLogLog();
		for (const key of this.exact!) this.sketch.add(String(key));
		this.exact = undefined;
		this.approximation = `COUNT(DISTINCT …) is a HyperLogLog estimate above ${EXACT_DISTINCT_LIMIT.toLocaleString('en-US')} distinct values (standard error ${(HLL_STANDARD_ERROR * 100).toFixed(2)}%)`;
	}

	merge(other: CountDistinct) {
		if (other.exact && this.exact) {
			for (const key of other.exact) this.exact.add(key);
			if (this.exact.size > EXACT_DISTINCT_LIMIT) this.toSketch();
			return;
		}

		if (this.exact) this.toSketch();
		if (other.exact) for (const key of other.exact) this.sketch!.add(String(key));
		else this.sketch!.merge(other.sketch!);
	}

	result() {
		return this.exact ? this.exact.size : this.sketch!.count();
	}
}

class Sum implements Accumulator {
	sum = 0;
	seen = false;
	add(value: unknown) {
		const number = typeof value === 'number' ? value : toNumber(value);
		if (number === null) return;
		this.sum += number;
		this.seen = true;
	}

	merge(other: Sum) {
		this.sum += other.sum;
		this.seen ||= other.seen;
	}

	result() {
		return this.seen ? this.sum : null;
	}
}

class Average implements Accumulator {
	sum = 0;
	count = 0;
	add(value: unknown) {
		const number = typeof value === 'number' ? value : toNumber(value);
		if (number === null) return;
		this.sum += number;
		this.count++;
	}

	merge(other: Average) {
		this.sum += other.sum;
		this.count += other.count;
	}

	result() {
		return this.count === 0 ? null : this.sum / this.count;
	}
}

class Extreme implements Accumulator {
	value: unknown = null;
	constructor(private readonly sign: 1 | -1) {}

	add(value: unknown) {
		if (value === null || value === undefined || typeof value === 'object') return;
		if (this.value === null || compareValues(value, this.value) * this.sign > 0) this.value = value;
	}

	merge(other: Extreme) {
		this.add(other.value);
	}

	result() {
		return this.value;
	}
}

/** FIRST and LAST by the record's time; records with the same time keep their arrival order. */
class Edge implements Accumulator {
	value: unknown = null;
	time = Number.NaN;
	constructor(private readonly last: boolean) {}

	add(value: unknown, time: number) {
		if (value === undefined) return;
		const take = Number.isNaN(this.time) || (this.last ? time >= this.time : time < this.time);
		if (take) {
			this.value = value;
			this.time = time;
		}
	}

	merge(other: Edge) {
		if (!Number.isNaN(other.time)) this.add(other.value, other.time);
	}

	result() {
		return this.value;
	}
}

class Percentile implements Accumulator {
	private readonly sketch = new DDSketch();
	approximation?: string;
	constructor(private readonly q: number) {}

	add(value: unknown) {
		const number = typeof value === 'number' ? value : toNumber(value);
		if (number === null) return;
		this.sketch.add(number);
		this.approximation ??= 'percentiles are DDSketch estimates, within 1% of a value at that rank';
	}

	merge(other: Percentile) {
		this.sketch.merge(other.sketch);
		this.approximation ??= other.approximation;
	}

	result() {
		return this.sketch.quantile(this.q);
	}
}

class TopK implements Accumulator {
	private readonly sketch: SpaceSaving;
	constructor(private readonly k: number) {
		this.sketch = new SpaceSaving(Math.max(64, k * 10));
	}

	get approximation() {
		return this.sketch.replaced
			? `TOPK keeps ${this.sketch.capacity} counters (space-saving): with more distinct values than that, counts are upper bounds`
			: undefined;
	}

	add(value: unknown) {
		if (value === null || value === undefined) return;
		this.sketch.add(keyOf(value), value);
	}

	merge(other: TopK) {
		this.sketch.merge(other.sketch);
	}

	result() {
		return this.sketch.top(this.k);
	}
}

const same = (input: ValueType) => (input === 'timestamp' ? 'timestamp' : input);
const number = () => 'number' as const;

const percentile = (name: string, q: number): AggregateDefinition => ({
	name,
	constants: 0,
	type: number,
	create: () => () => new Percentile(q),
	description: `the ${Math.round(q * 100)}th percentile (DDSketch, 1% relative error)`,
});

export const AGGREGATES: readonly AggregateDefinition[] = [
	{
		name: 'COUNT',
		constants: 0,
		star: true,
		distinct: true,
		type: number,
		create: (_, {distinct, star}) =>
			star ? () => new CountAll() : distinct ? () => new CountDistinct() : () => new Count(),
		description: 'rows (COUNT(*)), non-null values, or distinct values',
	},
	{name: 'SUM', constants: 0, type: number, create: () => () => new Sum(), description: 'the sum'},
	{
		name: 'AVG',
		constants: 0,
		type: number,
		create: () => () => new Average(),
		description: 'the mean',
	},
	{
		name: 'MIN',
		constants: 0,
		type: same,
		create: () => () => new Extreme(-1),
		description: 'the smallest value',
	},
	{
		name: 'MAX',
		constants: 0,
		type: same,
		create: () => () => new Extreme(1),
		description: 'the largest value',
	},
	{
		name: 'FIRST',
		constants: 0,
		type: same,
		create: () => () => new Edge(false),
		description: 'the value of the earliest record',
	},
	{
		name: 'LAST',
		constants: 0,
		type: same,
		create: () => () => new Edge(true),
		description: 'the value of the latest record',
	},
	{
		name: 'TOPK',
		constants: 1,
		type: () => 'json',
		check: ([k]) =>
			Number.isInteger(k) && k >= 1 && k <= 1000
				? undefined
				: 'k must be a whole number from 1 to 1000',
		create:
			([k]) =>
			() =>
				new TopK(k),
		description: 'the k most frequent values with their counts (space-saving)',
	},
	{
		name: 'APPROX_PERCENTILE',
		constants: 1,
		type: number,
		check: ([q]) => (q >= 0 && q <= 1 ? undefined : 'the quantile must be from 0 to 1'),
		create:
			([q]) =>
			() =>
				new Percentile(q),
		description: 'the value at quantile q (0…1), DDSketch with 1% relative error',
	},
	percentile('P50', 0.5),
	percentile('P90', 0.9),
	percentile('P95', 0.95),
	percentile('P99', 0.99),
];

/** Other spellings: Flink's FIRST_VALUE/LAST_VALUE, ksqlDB's EARLIEST_BY_OFFSET/LATEST_BY_OFFSET, … */
const ALIASES: Record<string, string> = {
	FIRST_VALUE: 'FIRST',
	LAST_VALUE: 'LAST',
	EARLIEST_BY_OFFSET: 'FIRST',
	LATEST_BY_OFFSET: 'LAST',
	PERCENTILE_APPROX: 'APPROX_PERCENTILE',
	TOP_K: 'TOPK',
};

export function aggregateNamed(name: string): AggregateDefinition | undefined {
	const upper = name.toUpperCase();
	const resolved = ALIASES[upper] ?? upper;
	return AGGREGATES.find((definition) => definition.name === resolved);
}

export const AGGREGATE_NAMES: readonly string[] = [
	...AGGREGATES.map((definition) => definition.name),
	...Object.keys(ALIASES),
];
