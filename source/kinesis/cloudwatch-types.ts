/**
 * The CloudWatch shapes the metric queries speak (GetMetricStatistics, GetMetricData, ListMetrics),
 * named and structured as the CloudWatch API reference names them, and the values CloudWatch accepts
 * for a statistic and a unit. The local engine answers in these shapes, the wire server passes them
 * through, and the driver contract names its statistics with them.
 */

export type Dimension = {Name: string; Value: string};

export type StandardUnit =
	| 'Seconds'
	| 'Microseconds'
	| 'Milliseconds'
	| 'Bytes'
	| 'Kilobytes'
	| 'Megabytes'
	| 'Gigabytes'
	| 'Terabytes'
	| 'Bits'
	| 'Kilobits'
	| 'Megabits'
	| 'Gigabits'
	| 'Terabits'
	| 'Percent'
	| 'Count'
	| 'Bytes/Second'
	| 'Kilobytes/Second'
	| 'Megabytes/Second'
	| 'Gigabytes/Second'
	| 'Terabytes/Second'
	| 'Bits/Second'
	| 'Kilobits/Second'
	| 'Megabits/Second'
	| 'Gigabits/Second'
	| 'Terabits/Second'
	| 'Count/Second'
	| 'None';

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export type Timestamp = Date | number | string;

export type GetMetricStatisticsInput = {
	Namespace: string;
	MetricName: string;
	Dimensions?: Dimension[];
	StartTime: Timestamp;
	EndTime: Timestamp;
	/** Seconds, a multiple of 60. */
	Period: number;
	Statistics?: Statistic[];
	ExtendedStatistics?: string[];
	Unit?: StandardUnit;
};

export type Datapoint = {
	Timestamp: Date;
	SampleCount?: number;
	Average?: number;
	Sum?: number;
	Minimum?: number;
	Maximum?: number;
	Unit: StandardUnit;
};

export type GetMetricStatisticsOutput = {Label: string; Datapoints: Datapoint[]};

export type Metric = {Namespace: string; MetricName: string; Dimensions: Dimension[]};

export type MetricStat = {
	Metric: {Namespace: string; MetricName: string; Dimensions?: Dimension[]};
	/** Seconds, a multiple of 60. */
	Period: number;
	Stat: string;
	Unit?: StandardUnit;
};

export type MetricDataQuery = {
	Id: string;
	MetricStat?: MetricStat;
	Expression?: string;
	Label?: string;
	ReturnData?: boolean;
	Period?: number;
};

export type GetMetricDataInput = {
	MetricDataQueries: MetricDataQuery[];
	StartTime: Timestamp;
	EndTime: Timestamp;
	NextToken?: string;
	ScanBy?: 'TimestampDescending' | 'TimestampAscending';
	MaxDatapoints?: number;
};

export type MetricDataResult = {
	Id: string;
	Label: string;
	Timestamps: Date[];
	Values: number[];
	StatusCode: 'Complete' | 'PartialData';
	Messages: Array<{Code: string; Value: string}>;
};

export type GetMetricDataOutput = {
	MetricDataResults: MetricDataResult[];
	NextToken?: string;
	Messages: Array<{Code: string; Value: string}>;
};

export type DimensionFilter = {Name: string; Value?: string};

export type ListMetricsInput = {
	Namespace?: string;
	MetricName?: string;
	Dimensions?: DimensionFilter[];
	RecentlyActive?: 'PT3H';
	NextToken?: string;
};

export type ListMetricsOutput = {Metrics: Metric[]; NextToken?: string};

export const STATISTICS: readonly Statistic[] = [
	'SampleCount',
	'Average',
	'Sum',
	'Minimum',
	'Maximum',
];

export const UNITS: readonly StandardUnit[] = [
	'Seconds',
	'Microseconds',
	'Milliseconds',
	'Bytes',
	'Kilobytes',
	'Megabytes',
	'Gigabytes',
	'Terabytes',
	'Bits',
	'Kilobits',
	'Megabits',
	'Gigabits',
	'Terabits',
	'Percent',
	'Count',
	'Bytes/Second',
	'Kilobytes/Second',
	'Megabytes/Second',
	'Gigabytes/Second',
	'Terabytes/Second',
	'Bits/Second',
	'Kilobits/Second',
	'Megabits/Second',
	'Gigabits/Second',
	'Terabits/Second',
	'Count/Second',
	'None',
];
