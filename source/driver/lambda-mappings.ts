/**
 * Lambda's ListEventSourceMappings by a stream's ARN, all pages, over the SDK's Lambda client: the Lambda
 * functions that read a stream, with the settings that decide how they fall behind (batch size,
 * parallelization, retries, bisect-on-error, maximum record age) and the last processing result.
 */
import type {LambdaClient} from '@aws-sdk/client-lambda';
import type {EventSourceMapping} from './consumer-sources.js';
import type {Call} from './dynamodb-tables.js';

/** ListEventSourceMappings' page size at most. */
const MAPPINGS_PER_PAGE = 100;

export async function listEventSourceMappings(
	client: LambdaClient,
	call: Call,
	streamArn: string,
	signal?: AbortSignal,
): Promise<EventSourceMapping[]> {
	const {ListEventSourceMappingsCommand} = await import('@aws-sdk/client-lambda');
	const mappings: EventSourceMapping[] = [];
	let Marker: string | undefined;
	do {
		const page = await call(
			(http) =>
				client.send(
					new ListEventSourceMappingsCommand({
						EventSourceArn: streamArn,
						MaxItems: MAPPINGS_PER_PAGE,
						Marker,
					}),
					http,
				),
			signal,
		);
		for (const mapping of page.EventSourceMappings ?? []) {
			const onFailure = mapping.DestinationConfig?.OnFailure?.Destination;
			mappings.push({
				UUID: mapping.UUID!,
				State: mapping.State ?? 'Unknown',
				...(mapping.StateTransitionReason
					? {StateTransitionReason: mapping.StateTransitionReason}
					: {}),
				FunctionArn: mapping.FunctionArn!,
				EventSourceArn: mapping.EventSourceArn ?? streamArn,
				BatchSize: mapping.BatchSize,
				MaximumBatchingWindowInSeconds: mapping.MaximumBatchingWindowInSeconds,
				ParallelizationFactor: mapping.ParallelizationFactor,
				StartingPosition: mapping.StartingPosition,
				StartingPositionTimestamp: mapping.StartingPositionTimestamp,
				BisectBatchOnFunctionError: mapping.BisectBatchOnFunctionError,
				MaximumRecordAgeInSeconds: mapping.MaximumRecordAgeInSeconds,
				MaximumRetryAttempts: mapping.MaximumRetryAttempts,
				TumblingWindowInSeconds: mapping.TumblingWindowInSeconds,
				LastProcessingResult: mapping.LastProcessingResult,
				LastModified: mapping.LastModified,
				...(onFailure ? {OnFailureDestination: onFailure} : {}),
			});
		}

		// A page that names a next marker but brought nothing would loop for ever.
		Marker = page.EventSourceMappings?.length ? page.NextMarker : undefined;
	} while (Marker);

	// Absent settings are left out rather than printed as undefined.
	return mappings.map(
		(mapping) =>
			Object.fromEntries(
				Object.entries(mapping).filter(([, value]) => value !== undefined),
			) as EventSourceMapping,
	);
}
