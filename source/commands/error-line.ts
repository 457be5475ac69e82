/** The one stderr line an error becomes: `error: <Code>: <message>` for backend errors, else `error: <message>`. */
import {DriverError} from '../driver/driver.js';

export function errorLine(error: unknown) {
	const text =
		error instanceof DriverError
			? `${error.code}: ${error.message}`
			: error instanceof Error
				? error.message
				: String(error);
	return `error: ${text.replaceAll(/\s*\n\s*/g, ' ')}\n`;
}
