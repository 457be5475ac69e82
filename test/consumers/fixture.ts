/**
 * The consumers tests' world: the bundled engine on a manual clock (so arrival times and lags are
 * exact), dynalite for the lease tables, and the Lambda endpoint — read by the local driver as
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_LAMBDA would have it read them.
 */
import {AwsDriver} from '../../source/driver/aws-driver.js';
import type {Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {ManualClock} from '../../source/engine/clock.js';
import {startDynalite, type Dynalite} from '../helpers/dynalite.js';
import {startLambdaEndpoint, type LambdaEndpoint} from '../helpers/lambda-endpoint.js';

export type ConsumersWorld = {
	clock: ManualClock;
	driver: LocalDriver;
	dynamodb: Dynalite;
	lambda: LambdaEndpoint;
	close(): Promise<void>;
};

export async function openWorld(
	mappings: Array<Record<string, unknown>> = [],
): Promise<ConsumersWorld> {
	const clock = new ManualClock(Date.UTC(2026, 11, 1, 12));
	const dynamodb = await startDynalite();
	const lambda = await startLambdaEndpoint(mappings);
	const sources = new AwsDriver({
		region: 'us-east-1',
		environment: {},
		endpoints: {dynamodb: dynamodb.endpoint, lambda: lambda.endpoint},
	});
	const driver = LocalDriver.open(
		{clock, enforceLimits: false},
		{tables: sources, mappings: sources, close: () => sources.close()},
	);
	return {
		clock,
		driver,
		dynamodb,
		lambda,
		async close() {
			await driver.close();
			await dynamodb.stop();
			await lambda.stop();
		},
	};
}

/** A Driver that counts the calls of each method it passes on. */
export function counting(driver: Driver) {
	const calls: Record<string, number> = {};
	const counted = new Proxy(driver, {
		get(target, property, receiver) {
			const value = Reflect.get(target, property, receiver) as unknown;
			if (typeof value !== 'function' || typeof property !== 'string') return value;
			return (...args: unknown[]) => {
				calls[property] = (calls[property] ?? 0) + 1;
				return (value as (...args: unknown[]) => unknown).apply(target, args);
			};
		},
	});
	return {driver: counted, calls};
}
