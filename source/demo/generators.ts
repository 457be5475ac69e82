/**
 * The demo's record generators: each turns a seeded PRNG and the current time into one Kinesis record
 * (partition key + bytes) shaped like real traffic — click events, orders, and CloudWatch Logs
 * subscription envelopes.
 */
import {gzipSync} from 'node:zlib';
import type {PutRecordsRequestEntry} from '../driver/driver.js';
import {hex, integer, logNormal, pick, weighted, type Random} from './random.js';
import {Zipf} from './zipf.js';

export type Generator = (now: number) => PutRecordsRequestEntry;

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

// ─── clickstream ───────────────────────────────────────────────────────────────────────────────

export type ClickEvent = {
	ts: string;
	event_id: string;
	user_id: string;
	session_id: string;
	page: string;
	action: string;
	referrer: string;
	latency_ms: number;
	device: string;
	country: string;
};

const PAGES = [
	['/', 30],
	['/search', 18],
	['/product/{id}', 25],
	['/cart', 8],
	['/checkout', 4],
	['/account', 5],
	['/help', 2],
	['/category/{id}', 8],
] as const;
const ACTIONS = [
	['view', 55],
	['click', 25],
	['scroll', 10],
	['search', 5],
	['add_to_cart', 4],
	['purchase', 1],
] as const;
const REFERRERS = [
	['direct', 35],
	['google.com', 30],
	['t.co', 8],
	['facebook.com', 7],
	['newsletter', 10],
	['bing.com', 5],
	['duckduckgo.com', 5],
] as const;
const DEVICES = [
	['mobile', 58],
	['desktop', 36],
	['tablet', 6],
] as const;
const COUNTRIES = [
	['US', 40],
	['DE', 12],
	['GB', 10],
	['FR', 8],
	['IN', 10],
	['BR', 8],
	['JP', 7],
	['CA', 5],
] as const;

/** How many distinct users the clickstream draws from, and the Zipf exponent of their activity. */
export const CLICK_USERS = 10_000;
export const CLICK_ZIPF_S = 1.1;

/** The user id of Zipf rank `rank`; ranks are shuffled (by the seed) so the hot user is not `u-00001`. */
export function userIds(random: Random, count = CLICK_USERS) {
	const ids = Array.from({length: count}, (_, i) => `u-${String(i + 1).padStart(5, '0')}`);
	for (let i = count - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[ids[i], ids[j]] = [ids[j], ids[i]];
	}

	return ids;
}

/** Click events keyed by user id; user activity follows Zipf, so one key (and its shard) runs hot. */
export function clickstream(random: Random): Generator {
	const zipf = new Zipf(CLICK_USERS, CLICK_ZIPF_S);
	const users = userIds(random);
	return (now) => {
		const userId = users[zipf.sample(random) - 1];
		const page = weighted(random, PAGES).replace('{id}', String(integer(random, 1, 5000)));
		const event: ClickEvent = {
			ts: new Date(now).toISOString(),
			event_id: hex(random, 16),
			user_id: userId,
			session_id: `s-${hex(random, 10)}`,
			page,
			action: weighted(random, ACTIONS),
			referrer: weighted(random, REFERRERS),
			latency_ms: Math.min(30_000, Math.round(logNormal(random, 45, 0.8))),
			device: weighted(random, DEVICES),
			country: weighted(random, COUNTRIES),
		};
		return {PartitionKey: userId, Data: json(event)};
	};
}

// ─── orders ────────────────────────────────────────────────────────────────────────────────────

export type Order = {
	order_id: string;
	customer_id: string;
	ts: string;
	items: Array<{sku: string; name: string; quantity: number; unit_price: number}>;
	total: number;
	currency: string;
	status: string;
};

const CATALOG = [
	['SKU-1001', 'USB-C cable', 9.99],
	['SKU-1002', 'Wireless mouse', 24.5],
	['SKU-1003', 'Mechanical keyboard', 89],
	['SKU-1004', '27" monitor', 229.99],
	['SKU-1005', 'Laptop stand', 34.9],
	['SKU-1006', 'Noise-cancelling headphones', 179],
	['SKU-1007', 'Webcam', 59.95],
	['SKU-1008', 'Desk lamp', 27.4],
	['SKU-1009', 'Notebook (3-pack)', 7.5],
	['SKU-1010', 'Coffee beans 1 kg', 21],
] as const;
const CURRENCIES = [
	['USD', 60],
	['EUR', 30],
	['GBP', 10],
] as const;
const STATUSES = [
	['PLACED', 60],
	['PAID', 25],
	['SHIPPED', 10],
	['CANCELLED', 5],
] as const;

/** Orders keyed by order id (so they spread evenly over the shards). */
export function orders(random: Random): Generator {
	return (now) => {
		const count = weighted(random, [
			[1, 50],
			[2, 30],
			[3, 15],
			[4, 5],
		] as const);
		const items = Array.from({length: count}, () => {
			const [sku, name, price] = pick(random, CATALOG);
			return {
				sku,
				name,
				quantity: weighted(random, [
					[1, 80],
					[2, 15],
					[3, 5],
				] as const),
				unit_price: price,
			};
		});
		const total = items.reduce((sum, item) => sum + item.quantity * item.unit_price, 0);
		const order: Order = {
			order_id: `ord-${hex(random, 12)}`,
			customer_id: `c-${String(integer(random, 1, 5000)).padStart(5, '0')}`,
			ts: new Date(now).toISOString(),
			items,
			total: Math.round(total * 100) / 100,
			currency: weighted(random, CURRENCIES),
			status: weighted(random, STATUSES),
		};
		return {PartitionKey: order.order_id, Data: json(order)};
	};
}

// ─── app-logs ──────────────────────────────────────────────────────────────────────────────────

/** What CloudWatch Logs delivers to a Kinesis subscription: this JSON, gzip-compressed. */
export type LogsEnvelope = {
	messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
	owner: string;
	logGroup: string;
	logStream: string;
	subscriptionFilters: string[];
	logEvents: Array<{id: string; timestamp: number; message: string}>;
};

const LOG_GROUPS = ['/aws/lambda/checkout-api', '/aws/lambda/auth-service', '/ecs/catalog-service'];
const LOG_MESSAGES = [
	['Processed request', 50],
	['Cache miss; loading from DynamoDB', 15],
	['Retrying downstream call', 8],
	['Slow query', 6],
	['Payment provider timeout', 3],
	['Token expired', 8],
] as const;
const LEVELS = [
	['INFO', 80],
	['WARN', 14],
	['ERROR', 6],
] as const;

function uuid(random: Random) {
	const h = hex(random, 32);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A CloudWatch Logs event id: 56 decimal digits. */
function eventId(random: Random) {
	let id = '';
	for (let i = 0; i < 56; i++) id += Math.floor(random() * 10);
	return id;
}

function lambdaInvocation(random: Random, timestamp: number) {
	const requestId = uuid(random);
	const duration = Math.max(1, logNormal(random, 38, 0.7));
	const level = weighted(random, LEVELS);
	const message = weighted(random, LOG_MESSAGES);
	const app = JSON.stringify({
		level,
		requestId,
		message,
		durationMs: Math.round(duration * 100) / 100,
	});
	return [
		`START RequestId: ${requestId} Version: $LATEST\n`,
		`${new Date(timestamp).toISOString()}\t${requestId}\t${level}\t${app}\n`,
		`END RequestId: ${requestId}\n`,
		`REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: 512 MB\tMax Memory Used: ${integer(random, 70, 140)} MB\t\n`,
	];
}

/** One gzip-compressed CloudWatch Logs subscription envelope per record, 1–3 invocations each. */
export function appLogs(random: Random, owner = '123456789012'): Generator {
	const streams = LOG_GROUPS.map(() => `2026/01/01/[$LATEST]${hex(random, 32)}`);
	return (now) => {
		const group = integer(random, 0, LOG_GROUPS.length - 1);
		const messages = Array.from({length: integer(random, 1, 3)}, () =>
			lambdaInvocation(random, now),
		).flat();
		const envelope: LogsEnvelope = {
			messageType: 'DATA_MESSAGE',
			owner,
			logGroup: LOG_GROUPS[group],
			logStream: streams[group],
			subscriptionFilters: ['kinesis-top-demo'],
			logEvents: messages.map((message) => ({id: eventId(random), timestamp: now, message})),
		};
		return {PartitionKey: hex(random, 32), Data: gzipSync(JSON.stringify(envelope))};
	};
}
