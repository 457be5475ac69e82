/**
 * DynamoDB's table calls the contract needs to find, read and repair KCL lease tables (ListTables,
 * DescribeTable, Scan, a conditional UpdateItem), over the SDK's DynamoDB client. Shared by the AWS
 * driver and the local driver (which reads lease tables from a DynamoDB endpoint configured with
 * AWS_ENDPOINT_URL_DYNAMODB); each passes its own `call`, which bounds the request in time and turns SDK
 * errors into DriverErrors.
 */
import type {DynamoDBClient} from '@aws-sdk/client-dynamodb';
import type {
	ItemUpdate,
	ScanOptions,
	ScanPage,
	TableDescription,
	TableItem,
} from './consumer-sources.js';

/** Runs one SDK request with the abort signal it should honour, errors as DriverErrors. */
export type Call = <Output>(
	request: (options: {abortSignal?: AbortSignal}) => Promise<Output>,
	signal: AbortSignal | undefined,
) => Promise<Output>;

/** ListTables' page size at most. */
const TABLES_PER_PAGE = 100;

export class DynamoDbTables {
	constructor(
		private readonly client: () => Promise<DynamoDBClient>,
		private readonly call: Call,
	) {}

	async listTables(signal?: AbortSignal) {
		const [client, {ListTablesCommand}] = await this.sdk();
		const names: string[] = [];
		let ExclusiveStartTableName: string | undefined;
		do {
			const page = await this.call(
				(http) =>
					client.send(
						new ListTablesCommand({Limit: TABLES_PER_PAGE, ExclusiveStartTableName}),
						http,
					),
				signal,
			);
			names.push(...(page.TableNames ?? []));
			// A page that names a start but brought nothing would loop for ever.
			ExclusiveStartTableName = page.TableNames?.length ? page.LastEvaluatedTableName : undefined;
		} while (ExclusiveStartTableName);

		return names;
	}

	async describeTable(table: string, signal?: AbortSignal): Promise<TableDescription> {
		const [client, {DescribeTableCommand}] = await this.sdk();
		const {Table: description = {}} = await this.call(
			(http) => client.send(new DescribeTableCommand({TableName: table}), http),
			signal,
		);
		return {
			TableName: description.TableName ?? table,
			TableStatus: description.TableStatus ?? 'ACTIVE',
			KeySchema: (description.KeySchema ?? []).map((key) => ({
				AttributeName: key.AttributeName!,
				KeyType: key.KeyType!,
			})),
			KeyAttributeTypes: Object.fromEntries(
				(description.AttributeDefinitions ?? []).map((definition) => [
					definition.AttributeName!,
					definition.AttributeType!,
				]),
			),
			...(description.ItemCount === undefined ? {} : {ItemCount: description.ItemCount}),
			...(description.CreationDateTime ? {CreationDateTime: description.CreationDateTime} : {}),
			GlobalSecondaryIndexNames: (description.GlobalSecondaryIndexes ?? []).map(
				(index) => index.IndexName!,
			),
		};
	}

	async scanTable(table: string, options: ScanOptions, signal?: AbortSignal): Promise<ScanPage> {
		const [client, {ScanCommand}] = await this.sdk();
		const page = await this.call(
			(http) =>
				client.send(
					new ScanCommand({
						TableName: table,
						Limit: options.limit,
						ExclusiveStartKey: options.exclusiveStartKey as never,
						// Leases are small and read to be shown now: a strongly consistent read costs one more
						// unit per 4 KB and shows a checkpoint the moment KCL wrote it.
						ConsistentRead: true,
					}),
					http,
				),
			signal,
		);
		return {
			Items: (page.Items ?? []) as TableItem[],
			...(page.LastEvaluatedKey ? {LastEvaluatedKey: page.LastEvaluatedKey as TableItem} : {}),
		};
	}

	async updateTableItem(
		table: string,
		key: TableItem,
		update: ItemUpdate,
		signal?: AbortSignal,
	): Promise<TableItem> {
		const [client, {UpdateItemCommand}] = await this.sdk();
		const {Attributes} = await this.call(
			(http) =>
				client.send(
					new UpdateItemCommand({
						TableName: table,
						Key: key as never,
						...updateExpressions(key, update),
						ReturnValues: 'ALL_NEW',
					}),
					http,
				),
			signal,
		);
		return (Attributes ?? {}) as TableItem;
	}

	private sdk() {
		return Promise.all([this.client(), import('@aws-sdk/client-dynamodb')]);
	}
}

/**
 * An {@link ItemUpdate} as DynamoDB's expressions. Every attribute name goes through a placeholder
 * (`#a0`), so no name can collide with DynamoDB's reserved words; the item must exist (an UpdateItem of
 * a missing key would create it), and each expected attribute must equal its value.
 */
export function updateExpressions(key: TableItem, update: ItemUpdate) {
	const names: Record<string, string> = {};
	const values: Record<string, unknown> = {};
	const name = (attribute: string) => {
		const placeholder = `#a${Object.keys(names).length}`;
		names[placeholder] = attribute;
		return placeholder;
	};

	const value = (attributeValue: unknown) => {
		const placeholder = `:v${Object.keys(values).length}`;
		values[placeholder] = attributeValue;
		return placeholder;
	};

	const sets = Object.entries(update.set).map(
		([attribute, attributeValue]) => `${name(attribute)} = ${value(attributeValue)}`,
	);
	const removes = (update.remove ?? []).map((attribute) => name(attribute));
	const conditions = [
		...Object.keys(key).map((attribute) => `attribute_exists(${name(attribute)})`),
		...Object.entries(update.expected).map(
			([attribute, attributeValue]) => `${name(attribute)} = ${value(attributeValue)}`,
		),
	];
	return {
		UpdateExpression: [
			sets.length > 0 ? `SET ${sets.join(', ')}` : '',
			removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
		]
			.filter(Boolean)
			.join(' '),
		ConditionExpression: conditions.join(' AND '),
		ExpressionAttributeNames: names,
		...(Object.keys(values).length > 0 ? {ExpressionAttributeValues: values as never} : {}),
	};
}
