/** The one stderr line an error becomes: `error: <Code>: <message>` for backend errors, else `error: <message>`. */
import {DriverError} from '../driver/driver.js';
import {outageText, seconds, type RetryReport} from '../driver/retry.js';

export function errorLine(error: unknown) {
	const text =
		error instanceof DriverError
			? `${error.code}: ${error.message}`
			: error instanceof Error
				? error.message
				: String(error);
	return `error: ${text.replaceAll(/\s*\n\s*/g, ' ')}\n`;
}

/**
 * The stderr line of an outage's start or end: `retrying: ECONNREFUSED 127.0.0.1:4567 (attempt 2, next
 * in 0.5 s)` and `recovered after 4.2 s`.
 */
export function retryLine(report: RetryReport) {
	if (report.kind === 'recovered') return `recovered after ${seconds(report.afterMs)}\n`;
	const {error, attempt, nextInMs} = report;
	const text = `${outageText(error)} (attempt ${attempt}, next in ${seconds(nextInMs)})`;
	return `retrying: ${text.replaceAll(/\s*\n\s*/g, ' ')}\n`;
}
