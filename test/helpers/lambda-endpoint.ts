/**
 * A Lambda endpoint that answers ListEventSourceMappings only (REST JSON:
 * `GET /2015-03-31/event-source-mappings/?EventSourceArn=…&Marker=…&MaxItems=…`), paging as Lambda does,
 * from mappings the test gives in Lambda's wire shape. No third-party Lambda implementation runs here
 * (LocalStack needs Docker), so the AWS driver's Lambda calls are checked over the real wire against this
 * answer in AWS's documented shape; every other path is a 404, as an endpoint without the API.
 */
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';

export type LambdaEndpoint = {
	endpoint: string;
	/** How many ListEventSourceMappings requests were answered. */
	requests(): number;
	stop(): Promise<void>;
};

export async function startLambdaEndpoint(
	mappings: Array<Record<string, unknown>>,
	{pageSize = 100} = {},
): Promise<LambdaEndpoint> {
	let requests = 0;
	const server: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (
			request.method !== 'GET' ||
			!/^\/2015-03-31\/event-source-mappings\/?$/.test(url.pathname)
		) {
			response.writeHead(404, {'content-type': 'application/json'}).end('{"Type":"User"}');
			return;
		}

		requests++;
		const arn = url.searchParams.get('EventSourceArn');
		const matching = mappings.filter((mapping) => !arn || mapping.EventSourceArn === arn);
		const start = Number(url.searchParams.get('Marker') ?? 0);
		const size = Math.min(pageSize, Number(url.searchParams.get('MaxItems') ?? pageSize));
		const page = matching.slice(start, start + size);
		const next = start + size < matching.length ? String(start + size) : undefined;
		response
			.writeHead(200, {'content-type': 'application/json'})
			.end(JSON.stringify({EventSourceMappings: page, ...(next ? {NextMarker: next} : {})}));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		requests: () => requests,
		async stop() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
