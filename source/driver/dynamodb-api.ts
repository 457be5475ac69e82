/**
 * DynamoDB's API as a KCL application uses it for its leases, one call at a time: the operation's name
 * and its input in DynamoDB's own JSON (attribute values as `{S: …}`, `{N: …}`), the output likewise,
 * errors as DriverErrors with DynamoDB's code (`ConditionalCheckFailedException`, …). This is how the
 * demo's consumer application keeps its lease table, as a KCL worker would, without the SDK.
 */
import {DriverError} from './driver.js';
import type {EmbeddedDynamoDb} from '../server/embedded-dynamodb.js';

export type DynamoDbApi = (
	operation: string,
	input: Record<string, unknown>,
	signal?: AbortSignal,
) => Promise<Record<string, unknown>>;

/** Errors DynamoDB asks to be retried. */
const RETRYABLE = new Set([
	'ProvisionedThroughputExceededException',
	'ThrottlingException',
	'RequestLimitExceeded',
	'InternalServerError',
	'ServiceUnavailable',
]);

/**
 * Calls answered by the embedded DynamoDB in this process: the same JSON 1.0 requests a client sends
 * over the wire, with an Authorization header of the right shape (nothing in this process checks a
 * signature; dynalite checks that there is one).
 */
export function inProcessDynamoDbApi(dynamodb: EmbeddedDynamoDb, region: string): DynamoDbApi {
	return async (operation, input, signal) => {
		signal?.throwIfAborted();
		const date = new Date().toISOString().replaceAll(/[-:]|\.\d+/g, '');
		const answer = await dynamodb.handle({
			method: 'POST',
			url: '/',
			headers: {
				'content-type': 'application/x-amz-json-1.0',
				'x-amz-target': `DynamoDB_20120810.${operation}`,
				'x-amz-date': date,
				authorization: `AWS4-HMAC-SHA256 Credential=kinesis-top-local/${date.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
			},
			body: Buffer.from(JSON.stringify(input)),
		});
		const output = (answer.body ? JSON.parse(answer.body) : {}) as Record<string, unknown>;
		if (answer.status === 200) return output;
		// `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → its last part.
		const code = String(output.__type ?? 'InternalServerError')
			.split('#')
			.at(-1)!;
		const message = String(output.message ?? output.Message ?? code);
		throw new DriverError(code, message, RETRYABLE.has(code) || answer.status >= 500);
	};
}
