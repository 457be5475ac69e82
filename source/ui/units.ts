/** Short figures for chart axes and gauges: counts (1.2k, 3.4M), bytes (512 B, 1.5 MiB) and seconds. */

/** A count in at most ~5 columns: 0.5, 12, 999, 1.2k, 15k, 3.4M, 2.1G. */
export function compactNumber(value: number) {
	const abs = Math.abs(value);
	if (abs >= 1e9) return `${trim(value / 1e9)}G`;
	if (abs >= 1e6) return `${trim(value / 1e6)}M`;
	if (abs >= 1e3) return `${trim(value / 1e3)}k`;
	return trim(value);
}

/** Bytes in binary units: 512 B, 1.5 KiB, 12 MiB, 1.1 GiB. */
export function compactBytes(bytes: number) {
	if (bytes >= 1024 ** 3) return `${trim(bytes / 1024 ** 3)} GiB`;
	if (bytes >= 1024 ** 2) return `${trim(bytes / 1024 ** 2)} MiB`;
	if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
	return `${trim(bytes)} B`;
}

/** A duration in whole units: 850ms, 45s, 12m, 3h, 2d. */
export function compactDuration(ms: number) {
	if (ms < 1000) return `${trim(ms)}ms`;
	if (ms < 60_000) return `${trim(ms / 1000)}s`;
	if (ms < 3_600_000) return `${trim(ms / 60_000)}m`;
	if (ms < 86_400_000) return `${trim(ms / 3_600_000)}h`;
	return `${trim(ms / 86_400_000)}d`;
}

/** Three significant figures at most, without trailing zeros: 1.25 → 1.25, 12.5 → 13, 0.5 → 0.5. */
function trim(value: number) {
	const abs = Math.abs(value);
	const digits = abs >= 100 ? 0 : abs >= 10 ? 0 : abs >= 1 ? 1 : 2;
	return String(Number(value.toFixed(digits)));
}
