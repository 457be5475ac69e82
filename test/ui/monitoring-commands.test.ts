import {describe, expect, test} from 'vitest';
import {completeCommandLine, parseCommandLine} from '../../source/ui/command-line.js';

const streams = ['orders', 'clicks'];

describe(': commands of the monitoring screens', () => {
	test(':metrics NAME [SHARD], checked against the known streams', () => {
		expect(parseCommandLine('metrics orders', streams).command).toEqual({
			name: 'metrics',
			stream: 'orders',
			shard: undefined,
		});
		expect(parseCommandLine('metrics orders shardId-000000000001', streams).command).toEqual({
			name: 'metrics',
			stream: 'orders',
			shard: 'shardId-000000000001',
		});
		expect(parseCommandLine('metrics nope', streams).error).toBe('No stream named nope');
		expect(parseCommandLine('metrics').error).toBe('Usage: :metrics NAME [SHARD]');
		expect(completeCommandLine('metrics or', streams)).toEqual({
			value: 'metrics orders ',
			candidates: [],
		});
	});

	test(':firehose [NAME]', () => {
		expect(parseCommandLine('firehose').command).toEqual({name: 'firehose'});
		expect(parseCommandLine('firehose archive').command).toEqual({
			name: 'firehose',
			deliveryStream: 'archive',
		});
		expect(parseCommandLine('firehose a b').error).toMatch(/^Usage: :firehose/);
		expect(completeCommandLine('fi', streams).value).toBe('firehose ');
	});

	test(':alert [AGE | off]', () => {
		expect(parseCommandLine('alert 60s').command).toEqual({name: 'alert', thresholdMs: 60_000});
		expect(parseCommandLine('alert 5m').command).toEqual({name: 'alert', thresholdMs: 300_000});
		expect(parseCommandLine('alert off').command).toEqual({name: 'alert', thresholdMs: null});
		expect(parseCommandLine('alert').command).toEqual({name: 'alert'});
		expect(parseCommandLine('alert soon').error).toMatch(/^Not an age: soon/);
	});
});
