/**
 * The CloudWatch read API over the engine's metrics recorder: GetMetricData (MetricStat queries and the
 * recorder's metric math), GetMetricStatistics and ListMetrics. Two wire forms reach these actions:
 *
 * - AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Action>`), as the current
 *   @aws-sdk/client-cloudwatch sends it with `x-amzn-query-mode: true` (CloudWatch is "awsQuery
 *   compatible"). Errors are `{__type, message}` with the JSON exception name
 *   (`com.amazonaws.cloudwatch#InvalidParameterValueException`) plus the `x-amzn-query-error` header
 *   carrying the query code and fault (`InvalidParameterValue;Sender`), which the SDK reads first.
 * - Smithy RPC v2 CBOR (`POST /service/GraniteServiceVersion20100801/operation/<Action>`), as current
 *   botocore sends it (boto3 1.43 does; Debian's 1.26 sends awsQuery): the same errors, in CBOR.
 * - awsQuery (query-protocol.ts), form in, XML out, as Debian's AWS CLI and boto3 send it: the query
 *   codes (`InvalidParameterValue`) in `<ErrorResponse>`.
 *
 * The recorder raises the query codes; this module names them for JSON.
 */
import type {MetricsRecorder} from '../engine/metrics.js';
import type {
	GetMetricDataInput,
	GetMetricStatisticsInput,
	ListMetricsInput,
} from '../kinesis/cloudwatch-types.js';
import type {ServiceAction} from './action.js';
import {jsonProtocol, rpcV2CborProtocol, type Protocol} from './protocols.js';
import type {Shape} from './shapes.js';

export const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801';
export const CLOUDWATCH_VERSION = '2010-08-01';
export const CLOUDWATCH_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

const dimensions: Shape = {list: {structure: {Name: 'string', Value: 'string'}}};
const metric: Shape = {
	structure: {Namespace: 'string', MetricName: 'string', Dimensions: dimensions},
};

export const cloudWatchActions: Record<string, ServiceAction<MetricsRecorder>> = {
	GetMetricStatistics: {
		shape: {
			Namespace: 'string',
			MetricName: 'string',
			Dimensions: dimensions,
			StartTime: 'timestamp',
			EndTime: 'timestamp',
			Period: 'integer',
			Statistics: {list: 'string'},
			ExtendedStatistics: {list: 'string'},
			Unit: 'string',
		},
		run: (metrics, input) => metrics.getMetricStatistics(input as GetMetricStatisticsInput),
	},
	GetMetricData: {
		shape: {
			MetricDataQueries: {
				list: {
					structure: {
						Id: 'string',
						MetricStat: {
							structure: {Metric: metric, Period: 'integer', Stat: 'string', Unit: 'string'},
						},
						Expression: 'string',
						Label: 'string',
						ReturnData: 'boolean',
						Period: 'integer',
						AccountId: 'string',
					},
				},
			},
			StartTime: 'timestamp',
			EndTime: 'timestamp',
			NextToken: 'string',
			ScanBy: 'string',
			MaxDatapoints: 'integer',
			LabelOptions: {structure: {Timezone: 'string'}},
		},
		run: (metrics, input) =>
			metrics.getMetricData({
				...input,
				MetricDataQueries: input.MetricDataQueries ?? [],
			} as GetMetricDataInput),
	},
	ListMetrics: {
		shape: {
			Namespace: 'string',
			MetricName: 'string',
			Dimensions: dimensions,
			NextToken: 'string',
			RecentlyActive: 'string',
			IncludeLinkedAccounts: 'boolean',
			OwningAccount: 'string',
		},
		run: (metrics, input) => metrics.listMetrics(input as ListMetricsInput),
	},
};

/** Query code → JSON exception name, where CloudWatch's model names them differently. */
const JSON_NAMES: Record<string, string> = {
	MissingParameter: 'MissingRequiredParameterException',
	InvalidParameterValue: 'InvalidParameterValueException',
	InvalidParameterCombination: 'InvalidParameterCombinationException',
	InvalidNextToken: 'InvalidNextToken',
	InternalServiceError: 'InternalServiceFault',
	LimitExceeded: 'LimitExceededFault',
	ResourceNotFound: 'ResourceNotFound',
};

/** The server's own errors (JSON names, shared with Kinesis) → the codes awsQuery services use. */
const QUERY_CODES: Record<string, string> = {
	MissingAuthenticationTokenException: 'MissingAuthenticationToken',
	IncompleteSignatureException: 'IncompleteSignature',
	InvalidSignatureException: 'SignatureDoesNotMatch',
	UnrecognizedClientException: 'InvalidClientTokenId',
	UnknownOperationException: 'InvalidAction',
};

/** The awsQuery code of an error, whichever name the server or the recorder raised it under. */
export const queryCode = (type: string) => QUERY_CODES[type] ?? type;

/**
 * `protocol` as CloudWatch speaks it, "awsQuery compatible": errors named by their JSON exception name
 * (namespaced, as CloudWatch's model names them) plus the `x-amzn-query-error` header with the query
 * code and fault, which the SDKs read first.
 */
function queryCompatible(protocol: Protocol): Protocol {
	return {
		...protocol,
		encodeError(type, message) {
			const name = JSON_NAMES[type];
			return protocol.encodeError(
				name === undefined ? type : `com.amazonaws.cloudwatch#${name}`,
				message,
			);
		},
		errorHeaders: (type, status) => ({
			'x-amzn-query-error': `${queryCode(type)};${status >= 500 ? 'Receiver' : 'Sender'}`,
		}),
	};
}

/** AWS JSON 1.0, as @aws-sdk/client-cloudwatch sends it. */
export const cloudWatchJsonProtocol = queryCompatible({
	...jsonProtocol,
	contentType: 'application/x-amz-json-1.0',
});

/** Smithy RPC v2 CBOR, as current botocore sends it. */
export const cloudWatchCborProtocol = queryCompatible(rpcV2CborProtocol);
