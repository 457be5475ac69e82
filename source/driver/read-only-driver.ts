/**
 * `--read-only`: wraps any Driver and refuses every mutating call before it reaches the backend. This is
 * the second line of defence: the UI also hides mutating actions, but a key that slips through still
 * cannot change anything.
 */
import {DriverError, MUTATING_METHODS, type Driver} from './driver.js';

export function readOnly(driver: Driver): Driver {
	const refuse = (method: string) => () =>
		Promise.reject(
			new DriverError(
				'AccessDeniedException',
				`kinesis-top is in read-only mode: ${method} is not allowed (started with --read-only).`,
			),
		);
	const wrapped: Driver = Object.create(driver) as Driver;
	for (const method of MUTATING_METHODS) {
		Object.defineProperty(wrapped, method, {value: refuse(method)});
	}

	Object.defineProperty(wrapped, 'target', {value: {...driver.target, readOnly: true}});
	return wrapped;
}
