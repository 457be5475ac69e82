/**
 * The local engine's own DynamoDB, for `--local` (and `npm start`): the embedded dynalite that `serve`
 * answers with, its tables under `<data>/dynamodb/` or in memory. It is opened on first use, so a
 * command that never looks at lease tables never opens it. The lease-table reader reaches it the way it
 * reaches AWS — the AWS driver's DynamoDB client (dynamodb-tables.ts), pointed at a loopback port that
 * only it answers on — and the demo's consumer application writes its leases in-process
 * ({@link DynamoDbApi}).
 */
import {join} from 'node:path';
import type {DynamoDbListener} from '../server/dynamodb-listener.js';
import {DYNAMODB_DIRECTORY, EmbeddedDynamoDb} from '../server/embedded-dynamodb.js';
import type {AwsDriver} from './aws-driver.js';
import type {ItemUpdate, ScanOptions, TableItem} from './consumer-sources.js';
import {inProcessDynamoDbApi, type DynamoDbApi} from './dynamodb-api.js';

export class LocalDynamoDb {
	private store: EmbeddedDynamoDb | undefined;
	private reader: Promise<{listener: DynamoDbListener; driver: AwsDriver}> | undefined;
	private closed = false;
	/** In-process DynamoDB calls (the demo's consumer application). */
	readonly api: DynamoDbApi;

	constructor(
		private readonly options: {
			dataDirectory?: string;
			region: string;
			accountId?: string;
			maxAttempts?: number;
		},
	) {
		this.api = (operation, input, signal) =>
			inProcessDynamoDbApi(this.embedded, this.options.region)(operation, input, signal);
	}

	/** The store itself, opened now if it was not (serve's router answers from it too). */
	get embedded(): EmbeddedDynamoDb {
		if (this.closed) throw new Error('the local DynamoDB is closed');
		this.store ??= EmbeddedDynamoDb.open({
			directory: this.options.dataDirectory && join(this.options.dataDirectory, DYNAMODB_DIRECTORY),
			region: this.options.region,
			accountId: this.options.accountId,
		});
		return this.store;
	}

	async listTables(signal?: AbortSignal) {
		return (await this.tables()).listTables(signal);
	}

	async describeTable(table: string, signal?: AbortSignal) {
		return (await this.tables()).describeTable(table, signal);
	}

	async scanTable(table: string, options: ScanOptions, signal?: AbortSignal) {
		return (await this.tables()).scanTable(table, options, signal);
	}

	async updateTableItem(table: string, key: TableItem, update: ItemUpdate, signal?: AbortSignal) {
		return (await this.tables()).updateTableItem(table, key, update, signal);
	}

	/** Where the SDK reaches it: a loopback URL, the port opened on first call. */
	async endpoint() {
		return (await this.open()).listener.url;
	}

	async close() {
		if (this.closed) return;
		this.closed = true;
		const reader = await this.reader?.catch(() => undefined);
		await reader?.driver.close();
		await reader?.listener.close();
		await this.store?.close();
	}

	private async tables() {
		return (await this.open()).driver;
	}

	private open() {
		this.reader ??= (async () => {
			const {listenDynamoDb} = await import('../server/dynamodb-listener.js');
			const {AwsDriver} = await import('./aws-driver.js');
			const listener = await listenDynamoDb(this.embedded);
			const driver = new AwsDriver({
				region: this.options.region,
				endpoints: {dynamodb: listener.url},
				environment: {},
				maxAttempts: this.options.maxAttempts,
				// Nothing checks them: never the user's AWS credentials, which a local engine has no use for.
				credentials: {accessKeyId: 'kinesis-top-local', secretAccessKey: 'kinesis-top-local'},
			});
			return {listener, driver};
		})();
		return this.reader;
	}
}
