import {describe, expect, test} from 'vitest';
import {isLeaseItem, leaseOf, parseMultiStreamKey} from '../../source/consumers/kcl-lease.js';

describe('KCL leases read from their DynamoDB items', () => {
	test('a KCL 2.x single-stream lease, every attribute', () => {
		const item = {
			leaseKey: {S: 'shardId-000000000003'},
			leaseOwner: {S: 'worker-7'},
			leaseCounter: {N: '1234'},
			ownerSwitchesSinceCheckpoint: {N: '2'},
			checkpoint: {S: '49590338271490256608559692538361571095921575989136588850'},
			checkpointSubSequenceNumber: {N: '5'},
			pendingCheckpoint: {S: '49590338271490256608559692540925702759324208523137515570'},
			pendingCheckpointSubSequenceNumber: {N: '0'},
			parentShardId: {SS: ['shardId-000000000000', 'shardId-000000000001']},
			childShardIds: {SS: ['shardId-000000000007']},
			startingHashKey: {S: '0'},
			endingHashKey: {S: '170141183460469231731687303715884105727'},
		};
		expect(isLeaseItem(item)).toBe(true);
		expect(leaseOf(item)).toEqual({
			leaseKey: 'shardId-000000000003',
			shardId: 'shardId-000000000003',
			owner: 'worker-7',
			counter: 1234,
			ownerSwitchesSinceCheckpoint: 2,
			checkpoint: {
				sequenceNumber: '49590338271490256608559692538361571095921575989136588850',
				subSequenceNumber: 5,
			},
			pendingCheckpoint: {
				sequenceNumber: '49590338271490256608559692540925702759324208523137515570',
				subSequenceNumber: 0,
			},
			parentShardIds: ['shardId-000000000000', 'shardId-000000000001'],
			childShardIds: ['shardId-000000000007'],
			hashKeyRange: {
				startingHashKey: '0',
				endingHashKey: '170141183460469231731687303715884105727',
			},
		});
	});

	test('a KCL 3.x multi-stream lease: the stream from its key, throughput and checkpoint owner', () => {
		const lease = leaseOf({
			leaseKey: {S: '123456789012:orders:1700000000:shardId-000000000002'},
			streamName: {S: '123456789012:orders:1700000000'},
			shardId: {S: 'shardId-000000000002'},
			leaseCounter: {N: '9'},
			ownerSwitchesSinceCheckpoint: {N: '0'},
			checkpoint: {S: 'TRIM_HORIZON'},
			checkpointSubSequenceNumber: {N: '0'},
			leaseOwner: {S: 'worker-b'},
			checkpointOwner: {S: 'worker-a'},
			throughputKBps: {N: '12.5'},
		});
		expect(lease).toMatchObject({
			shardId: 'shardId-000000000002',
			streamIdentifier: '123456789012:orders:1700000000',
			checkpoint: {sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0},
			throughputKBps: 12.5,
			checkpointOwner: 'worker-a',
			owner: 'worker-b',
		});
		expect(parseMultiStreamKey('123456789012:orders:1700000000:shardId-000000000002')).toEqual({
			account: '123456789012',
			stream: 'orders',
			creationEpoch: 1_700_000_000,
			shardId: 'shardId-000000000002',
		});
		expect(parseMultiStreamKey('shardId-000000000002')).toBeUndefined();
	});

	test("KCL 2.0's singular childShardId, an unowned lease, and items that are not leases", () => {
		const lease = leaseOf({
			leaseKey: {S: 'shardId-000000000001'},
			leaseCounter: {N: '3'},
			checkpoint: {S: 'SHARD_END'},
			childShardId: {SS: ['shardId-000000000004']},
		});
		expect(lease?.owner).toBeUndefined();
		expect(lease?.childShardIds).toEqual(['shardId-000000000004']);
		expect(leaseOf({id: {S: 'x'}})).toBeUndefined();
		expect(leaseOf({leaseKey: {S: 'x'}, checkpoint: {S: 'LATEST'}})).toBeUndefined();
		expect(
			leaseOf({leaseKey: {N: '1'}, leaseCounter: {N: '1'}, checkpoint: {S: 'LATEST'}}),
		).toBeUndefined();
	});
});
