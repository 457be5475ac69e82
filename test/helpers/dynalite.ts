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
	// dynalite closes LevelDB with the server, and a Scan still reading its rows then throws from a
	// callback (uncaught), even when its client has gone: count each request until dynalite ends it.
	let answering = 0;
	server.prependListener('request', (_request, response) => {
		answering++;
		const end = response.end.bind(response);
		response.end = ((...args: Parameters<typeof end>) => {
			answering--;
			return end(...args);
		}) as typeof response.end;
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const endpoint = `http://127.0.0.1:${port}`;
	const client = dynamoDbClientAt(endpoint);
	return {
		endpoint,
		client,
		async stop() {
			client.destroy();
			const deadline = Date.now() + 5000;
			while (answering > 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 5));
			}

			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** A DynamoDB client of the test's own for the DynamoDB at `endpoint` (any credentials do). */
export const dynamoDbClientAt = (endpoint: string) =>
	new DynamoDBClient({
		endpoint,
		region: 'us-east-1',
		credentials: {accessKeyId: 'kinesis-top-test', secretAccessKey: 'kinesis-top-test'},
	});
