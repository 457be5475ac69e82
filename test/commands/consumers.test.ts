import {describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {localCli} from './helpers.js';

describe('kinesis-top consumers', () => {
	test('lists the registered consumers with their status, as text or JSON', async () => {
		const {dataDirectory, ok, cli} = localCli();
		await ok(['create', 's', '--shards', '1']);
		expect(await ok(['consumers', 's'])).toBe('No enhanced fan-out consumers registered on s.\n');

		// The Driver only lists consumers: register them through the engine on the same directory.
		const backend = LocalBackend.open({dataDirectory});
		const StreamARN = backend.kinesis.describeStreamSummary({StreamName: 's'}).StreamARN;
		backend.kinesis.registerStreamConsumer({StreamARN, ConsumerName: 'billing'});
		await backend.close();

		const text = await ok(['consumers', 's']);
		expect(text).toMatch(/^NAME {5}STATUS {2}CREATED +ARN\nbilling +ACTIVE +\d{4}-\d\d-\d\dT/);
		expect(text).toContain(`${StreamARN}/consumer/billing:`);
		const [consumer] = JSON.parse(await ok(['consumers', 's', '--json'])) as Array<
			Record<string, string>
		>;
		expect(consumer).toMatchObject({ConsumerName: 'billing', ConsumerStatus: 'ACTIVE'});
		expect(consumer.ConsumerCreationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

		const missing = await cli(['consumers', 'nope']);
		expect(missing.status).toBe(1);
		expect(missing.stderr).toMatch(/^error: ResourceNotFoundException: /);
	});
});
