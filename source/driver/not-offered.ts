/**
 * An endpoint that lacks an API: kinesalite has no UpdateShardCount, ListStreamConsumers, Firehose or
 * CloudWatch; kinesis-mock no Firehose or CloudWatch. Each says so in its own way — an
 * UnknownOperationException (AWS's own answer to an unknown X-Amz-Target), a 404 for a path it does not
 * route (CloudWatch's RPC paths), or LocalStack's "Unable to determine service/operation name" — and each
 * crosses the contract as one `UnknownOperationException` naming the operation and the endpoint's own
 * answer, so the console can say "not offered by this endpoint" once instead of retrying, and a command
 * can exit with the endpoint's own error named.
 */
import {DriverError} from './driver.js';

export const NOT_OFFERED = 'UnknownOperationException';

const OPERATION = Symbol('operation');

/** Where an error came from: the operation, and the endpoint when it is not AWS's own. */
type Tagged = {[OPERATION]?: {name?: string; endpoint?: string}};

type MiddlewareStack = {
	add(
		middleware: (
			next: (args: unknown) => Promise<unknown>,
			context: {commandName?: string},
		) => (args: unknown) => Promise<unknown>,
		options: {step: 'initialize'; name: string},
	): void;
};

/** Makes every error `client` raises carry the operation that raised it and the client's endpoint. */
export function tagOperations(client: {middlewareStack: unknown}, endpoint: string | undefined) {
	(client.middlewareStack as MiddlewareStack).add(
		(next, context) => async (args) => {
			try {
				return await next(args);
			} catch (error) {
				if (error instanceof Error) {
					(error as Tagged)[OPERATION] ??= {
						name: context.commandName?.replace(/Command$/, ''),
						endpoint,
					};
				}

				throw error;
			}
		},
		{step: 'initialize', name: 'kinesisTopOperationName'},
	);
}

/** The DriverError for an operation the endpoint does not offer; undefined for any other error. */
export function notOfferedError(error: unknown) {
	if (!(error instanceof Error)) return undefined;
	const {$metadata} = error as {$metadata?: {httpStatusCode?: number}};
	const answer = `${error.name}: ${error.message.split('\n')[0]}`;
	const refused =
		error.name === NOT_OFFERED ||
		(error.name === 'AccessDeniedException' &&
			/unable to determine service\/operation name/i.test(error.message));
	const status = $metadata?.httpStatusCode;
	// A REST-JSON client (Lambda's) cannot parse the XML in which such an endpoint says it cannot tell
	// the operation (serve's and LocalStack's answer to a path they do not route): the same refusal.
	const unparsedRefusal =
		error.name === 'SyntaxError' && status === 403 && /"<AccessDen/.test(error.message);
	if (unparsedRefusal) return notOffered(error, 'AccessDeniedException (in XML)');
	if (!refused && status !== 404) return undefined;
	return notOffered(error, refused ? answer : 'HTTP 404');
}

function notOffered(error: Error, said: string) {
	const {name = 'This operation', endpoint} = (error as Tagged)[OPERATION] ?? {};
	const where = endpoint ? `this endpoint (${endpoint})` : 'this endpoint';
	return new DriverError(NOT_OFFERED, `${name} is not offered by ${where}; it answered ${said}`);
}
