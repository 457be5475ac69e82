/**
 * The embedded DynamoDB alone on a loopback port: how the local driver's SDK client (dynamodb-tables.ts,
 * the same code that reads AWS's lease tables) reaches it when no `serve` is running. HTTP/1.1 only, as
 * the SDK's DynamoDB client speaks; dynalite checks that a signature is present, as AWS would.
 */
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {EmbeddedDynamoDb} from './embedded-dynamodb.js';

export type DynamoDbListener = {url: string; close(): Promise<void>};

export async function listenDynamoDb(dynamodb: EmbeddedDynamoDb): Promise<DynamoDbListener> {
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('error', () => response.destroy());
		request.on('end', async () => {
			const answer = await dynamodb.handle({
				method: request.method ?? 'POST',
				url: request.url ?? '/',
				headers: request.headers,
				body: Buffer.concat(chunks),
			});
			if (response.destroyed) return;
			response.statusCode = answer.status;
			for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
			if (answer.contentType) response.setHeader('Content-Type', answer.contentType);
			response.setHeader('Content-Length', Buffer.byteLength(answer.body));
			response.end(answer.body);
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		async close() {
			// Idle keep-alive connections would hold the close (and the process) for seconds.
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
