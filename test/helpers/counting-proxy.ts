/**
 * An HTTP/1.1 proxy in front of one endpoint that counts the API calls passing through, by operation:
 * the X-Amz-Target's action (Kinesis, DynamoDB, JSON CloudWatch), the operation of an RPC v2 path
 * (`…/operation/GetMetricData`), a query request's Action, or a REST path's resource (Lambda's
 * `event-source-mappings`) — what AWS would bill and throttle, measured at the wire.
 */
import {createServer, request as httpRequest, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';

export type CountingProxy = {
	endpoint: string;
	calls: Record<string, number>;
	reset(): void;
	stop(): Promise<void>;
};

function operationOf(method: string, url: string, target: string | undefined, body: string) {
	if (target) return target.split('.').at(-1)!;
	const rpc = /\/operation\/([A-Za-z]+)$/.exec(url);
	if (rpc) return rpc[1];
	const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
	if (action) return action[1];
	return `${method} ${new URL(url, 'http://x').pathname.split('/').filter(Boolean).at(-1)}`;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
	const calls: Record<string, number> = {};
	const target = new URL(upstream);
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks);
			const header = request.headers['x-amz-target'];
			const operation = operationOf(
				request.method ?? 'GET',
				request.url ?? '/',
				typeof header === 'string' ? header : undefined,
				body.toString('latin1'),
			);
			calls[operation] = (calls[operation] ?? 0) + 1;
			const forward = httpRequest(
				{
					host: target.hostname,
					port: target.port,
					method: request.method,
					path: request.url,
					headers: request.headers,
				},
				(answer) => {
					response.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(response);
				},
			);
			forward.on('error', () => response.destroy());
			forward.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		calls,
		reset() {
			for (const key of Object.keys(calls)) delete calls[key];
		},
		async stop() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
