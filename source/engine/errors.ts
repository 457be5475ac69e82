/**
 * Errors as Kinesis raises them: the exception name AWS uses (`__type` on the wire), its message
 * wording, and the HTTP status the service answers with.
 */
export class KinesisError extends Error {
	override readonly name = 'KinesisError';

	constructor(
		readonly code: string,
		message: string,
		readonly statusCode = 400,
		readonly retryable = false,
	) {
		super(message);
	}
}

export const resourceNotFound = (message: string) =>
	new KinesisError('ResourceNotFoundException', message);

export const resourceInUse = (message: string) =>
	new KinesisError('ResourceInUseException', message);

export const invalidArgument = (message: string) =>
	new KinesisError('InvalidArgumentException', message);

export const limitExceeded = (message: string) =>
	new KinesisError('LimitExceededException', message, 400, true);

export const expiredIterator = (message: string) =>
	new KinesisError('ExpiredIteratorException', message);

export const throughputExceeded = (message: string) =>
	new KinesisError('ProvisionedThroughputExceededException', message, 400, true);

/** AWS's `ValidationException` wording: "1 validation error detected: Value '…' at '…' failed to satisfy constraint: …". */
export function validationError(problems: Array<{value: unknown; at: string; constraint: string}>) {
	const details = problems
		.map(
			({value, at, constraint}) =>
				`Value '${String(value)}' at '${at}' failed to satisfy constraint: ${constraint}`,
		)
		.join('; ');
	const count = problems.length;
	return new KinesisError(
		'ValidationException',
		`${count} validation error${count === 1 ? '' : 's'} detected: ${details}`,
	);
}

export const streamNotFound = (name: string, accountId: string) =>
	resourceNotFound(`Stream ${name} under account ${accountId} not found.`);

/**
 * Runs `save` (writing metadata); if it fails, runs `undo` so memory agrees with disk again, and answers
 * as AWS does for a failure on its side: InternalFailure, retryable. Nothing is left half-applied.
 */
export function saveOrUndo(save: () => void, undo: () => void) {
	try {
		save();
	} catch (error) {
		undo();
		throw new KinesisError(
			'InternalFailure',
			`The change could not be saved: ${(error as Error).message}`,
			500,
			true,
		);
	}
}
