/** Benchmark figures and how they are printed: medians, each beside its ceiling and target. */
export type Figure = {
	name: string;
	unit: string;
	value: number;
	ceilingName?: string;
	ceiling?: number;
	/** The target for `value`, if it names one: a floor, or a ceiling when `atMost`. */
	target?: number;
	atMost?: boolean;
	/** Decimals shown (default 0; a ratio such as 3.4× needs one). */
	decimals?: number;
};

export function median(values: number[]) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const format = (value: number, decimals = 0) =>
	value.toLocaleString('en-US', {minimumFractionDigits: decimals, maximumFractionDigits: decimals});

export function printFigures(
	title: string,
	figures: Figure[],
	write = (line: string) => console.log(line),
) {
	write(`\n${title}`);
	for (const figure of figures) {
		let line = `  ${figure.name.padEnd(28)} ${format(figure.value, figure.decimals).padStart(12)} ${figure.unit}`;
		if (figure.ceiling !== undefined) {
			line += `   ceiling (${figure.ceilingName}) ${format(figure.ceiling)} ${figure.unit}, ratio ${(figure.value / figure.ceiling).toFixed(2)}`;
		}

		if (figure.target !== undefined) {
			const met = figure.atMost ? figure.value <= figure.target : figure.value >= figure.target;
			line += `   target ${figure.atMost ? '≤' : '≥'} ${format(figure.target, figure.decimals)}: ${met ? 'met' : 'NOT met'}`;
		}

		write(line);
	}
}
