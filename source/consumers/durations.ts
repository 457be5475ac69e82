/** Durations as the consumers screen and `lag` print them: the largest unit or two (`4m`, `1h12m`, `850ms`). */
export function formatDuration(milliseconds: number): string {
	const ms = Math.max(0, Math.round(milliseconds));
	if (ms < 1000) return `${ms}ms`;
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60)
		return seconds % 60 === 0 || minutes >= 10 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	const days = Math.floor(hours / 24);
	return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
}
