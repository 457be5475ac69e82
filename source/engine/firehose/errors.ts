/**
 * Firehose errors, raised as the engine's {@link KinesisError} (exception name as `code`, AWS wording,
 * HTTP status) so that the wire server and the drivers translate them exactly like Kinesis errors.
 * The exception names are Firehose's own (`@aws-sdk/client-firehose` models/errors): ResourceNotFound,
 * ResourceInUse, InvalidArgument, LimitExceeded, ConcurrentModification, ServiceUnavailable, plus the
 * framework's ValidationException.
 */
import {KinesisError} from '../errors.js';

export const deliveryStreamNotFound = (name: string, accountId: string) =>
	new KinesisError(
		'ResourceNotFoundException',
		`Firehose ${name} under account ${accountId} not found.`,
	);

export const resourceInUse = (message: string) =>
	new KinesisError('ResourceInUseException', message);

export const invalidArgument = (message: string) =>
	new KinesisError('InvalidArgumentException', message);

export const limitExceeded = (message: string) =>
	new KinesisError('LimitExceededException', message);

export const concurrentModification = (message: string) =>
	new KinesisError('ConcurrentModificationException', message);

/** Firehose's throttling answer: a server fault, retryable. */
export const serviceUnavailable = (message = 'Slow down.') =>
	new KinesisError('ServiceUnavailableException', message, 503, true);

export type Problem = {value: unknown; at: string; constraint: string};

/**
 * The framework's ValidationException: "1 validation error detected: Value '…' at '…' failed to satisfy
 * constraint: …" (a missing member reads "Value null at '…'", unquoted, as AWS writes it).
 */
export function validationError(problems: Problem[]) {
	const details = problems
		.map(({value, at, constraint}) => {
			const shown = value === null || value === undefined ? 'null' : `'${String(value)}'`;
			return `Value ${shown} at '${at}' failed to satisfy constraint: ${constraint}`;
		})
		.join('; ');
	const count = problems.length;
	return new KinesisError(
		'ValidationException',
		`${count} validation error${count === 1 ? '' : 's'} detected: ${details}`,
	);
}

/** Collects problems and throws them together, as AWS reports every failed constraint at once. */
export class Problems {
	readonly list: Problem[] = [];

	add(value: unknown, at: string, constraint: string) {
		this.list.push({value, at, constraint});
	}

	throwIfAny() {
		if (this.list.length > 0) throw validationError(this.list);
	}
}
