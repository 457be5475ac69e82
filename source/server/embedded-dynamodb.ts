/**
 * The DynamoDB API (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Action>`) that KCL applications keep
 * their leases in, answered by dynalite (npm `dynalite`, a maintained DynamoDB implementation) in this
 * process: its request handler is called with the request the server has already read, and its answer
 * is handed back whole, so serve's router keeps one port, one envelope (faults, CORS, graceful stop,
 * HTTP/2) and no second listener or proxy. Tables live in memory (memory-level), or under a directory
 * (classic-level, LevelDB, whose prebuilt binaries ship in its package: nothing is compiled at install).
 *
 * dynalite itself only offers an HTTP server; its request handler is that server's `request` listener,
 * and its store (which must be closed to release LevelDB's lock) is caught as dynalite creates it.
 */
import {EventEmitter} from 'node:events';
import type {IncomingHttpHeaders} from 'node:http';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);

/** The X-Amz-Target prefix of every DynamoDB request. */
export const DYNAMODB_TARGET = 'DynamoDB_20120810';

/** Where a data directory keeps the embedded DynamoDB's tables. */
export const DYNAMODB_DIRECTORY = 'dynamodb';

export type DynamoDbRequest = {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
};

export type DynamoDbAnswer = {
	status: number;
	body: string;
	contentType?: string;
	headers: Record<string, string>;
};

export type EmbeddedDynamoDbOptions = {
	/** Where the tables are kept (LevelDB); in memory without one. */
	directory?: string;
	/** How long a table stays CREATING, DELETING, UPDATING (dynalite's default is 500 ms). */
	createTableMs?: number;
	deleteTableMs?: number;
	updateTableMs?: number;
	/** What table ARNs name (dynalite's defaults otherwise: AWS_REGION or us-east-1, account 000000000000). */
	region?: string;
	accountId?: string;
};

type Store = {
	tableDb: {awsRegion: string; awsAccountId: string};
	db: {close(callback: (error?: Error) => void): void};
	lifecycleManager?: {gracefulClose(callback: (error?: Error | null) => void): void};
};
type Handler = (request: EventEmitter, response: CapturedResponse) => void;
type StoreModule = {create(options: unknown): Store};

/** The parts of a ServerResponse dynalite's handler uses, recording what it answers. */
class CapturedResponse {
	statusCode = 200;
	/** dynalite keeps the answer's content type here. */
	contentType: string | undefined;
	readonly headers: Record<string, string> = {};
	constructor(private readonly done: (answer: DynamoDbAnswer) => void) {}

	setHeader(name: string, value: string | number) {
		this.headers[name.toLowerCase()] = String(value);
	}

	end(body?: string | Buffer) {
		const {'content-type': contentType, ...headers} = this.headers;
		// The server sends its own request id and length; the CRC32 of the body stays (SDKs may check it).
		delete headers['x-amzn-requestid'];
		delete headers['content-length'];
		delete headers['transfer-encoding'];
		this.done({
			status: this.statusCode,
			body: body === undefined ? '' : body.toString(),
			contentType,
			headers,
		});
	}
}

export class EmbeddedDynamoDb {
	private closing: Promise<void> | undefined;
	/** Requests being answered: dynalite reads a Scan's rows after LevelDB may have been closed. */
	private readonly answering = new Set<Promise<DynamoDbAnswer>>();

	private constructor(
		private readonly handler: Handler,
		private readonly store: Store,
		readonly directory: string | undefined,
	) {}

	static open(options: EmbeddedDynamoDbOptions = {}) {
		const dynalite = require('dynalite') as (
			options: Record<string, unknown>,
		) => EventEmitter & {listeners(event: 'request'): Handler[]};
		const storeModule = require('dynalite/db') as StoreModule;
		const create = storeModule.create;
		let store: Store | undefined;
		storeModule.create = (settings) => (store = create(settings));
		let server;
		try {
			server = dynalite({
				path: options.directory,
				createTableMs: options.createTableMs ?? 0,
				deleteTableMs: options.deleteTableMs ?? 0,
				updateTableMs: options.updateTableMs ?? 0,
			});
		} finally {
			storeModule.create = create;
		}

		const [handler] = server.listeners('request');
		if (!handler || !store) throw new Error('dynalite did not create its request handler');
		if (options.region) store.tableDb.awsRegion = options.region;
		if (options.accountId) store.tableDb.awsAccountId = options.accountId;
		return new EmbeddedDynamoDb(handler, store, options.directory);
	}

	/** One request, answered as DynamoDB would (dynalite checks the input and AWS's error shapes). */
	handle(request: DynamoDbRequest): Promise<DynamoDbAnswer> {
		if (this.closing) {
			return Promise.resolve({
				status: 503,
				body: JSON.stringify({__type: 'ServiceUnavailable', message: 'DynamoDB is closed.'}),
				contentType: 'application/x-amz-json-1.0',
				headers: {},
			});
		}

		const answer = new Promise<DynamoDbAnswer>((resolve) => {
			const incoming = Object.assign(new EventEmitter(), {
				method: request.method,
				url: request.url,
				headers: request.headers,
			});
			this.handler(incoming, new CapturedResponse(resolve));
			if (request.body.length > 0) incoming.emit('data', request.body);
			incoming.emit('end');
		});
		this.answering.add(answer);
		void answer.finally(() => this.answering.delete(answer));
		return answer;
	}

	/**
	 * Waits for the requests being answered (dynalite's own graceful close waits for writes, not for
	 * the rows a Scan or Query is still reading, which fail with an uncaught error once LevelDB is
	 * closed), then closes the store (and releases LevelDB's lock).
	 */
	close(): Promise<void> {
		this.closing ??= (async () => {
			await Promise.allSettled([...this.answering]);
			await new Promise<void>((resolve, reject) => {
				const done = (error?: Error | null) => (error ? reject(error) : resolve());
				if (this.store.lifecycleManager) this.store.lifecycleManager.gracefulClose(done);
				else this.store.db.close(done);
			});
		})();
		return this.closing;
	}
}
