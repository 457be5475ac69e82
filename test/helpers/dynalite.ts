/**
 * dynalite (npm `dynalite`, a DynamoDB implementation on LevelDB, here in memory), started on loopback
 * in this process for the lease-table tests, with a DynamoDB client of the test's own to write leases in
 * KCL's item format. Tables are ACTIVE at once.
 */
import type {Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {createRequire} from 'node:module';
import {DynamoDBClient} from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

export type Dynalite = {endpoint: string; client: DynamoDBClient; stop(): Promise<void>};

export async function startDynalite(): Promise<Dynalite> {
	const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
	const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const endpoint = `http://127.0.0.1:${port}`;
	const client = new DynamoDBClient({
		endpoint,
		region: 'us-east-1',
		credentials: {accessKeyId: 'kinesis-top-test', secretAccessKey: 'kinesis-top-test'},
	});
	return {
		endpoint,
		client,
		async stop() {
			client.destroy();
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
