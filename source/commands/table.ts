/** Plain-text tables for the human output of the headless commands: aligned columns, no colour. */

export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>) {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
	);
	return (
		[header, ...rows]
			.map((cells) =>
				cells
					.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
					.join('  ')
					.trimEnd(),
			)
			.join('\n') + '\n'
	);
}

/** `Label   value` lines with the values aligned. */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>) {
	const width = Math.max(...fields.map(([label]) => label.length));
	return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}
