/**
 * Which component draws each kind of screen, and what of the app's state it is given. Adding a screen
 * is one entry here (and its kind in navigation.ts); the app renders every entry of its stack through
 * `StackScreen` without knowing the kinds.
 */
import type {ReactElement} from 'react';
import type {Driver} from '../driver/driver.js';
import type {ShardRateSamplerOptions} from '../monitor/shard-rates.js';
import type {StreamPollerState} from '../monitor/stream-poller.js';
import type {LiveTailOptions} from '../tail/live-tail.js';
import type {Binding} from './keymap.js';
import type {Screen, ScreenProps} from './navigation.js';
import {ConsumerScreen} from './screens/consumer-screen.js';
import {ConsumersScreen} from './screens/consumers-screen.js';
import {DeliveryScreen} from './screens/delivery-screen.js';
import {FirehoseScreen} from './screens/firehose-screen.js';
import {HelpScreen} from './screens/help-screen.js';
import {LeaseRepairScreen} from './screens/lease-repair-screen.js';
import {MetricsScreen} from './screens/metrics-screen.js';
import {PutScreen} from './screens/put-screen.js';
import {QueryScreen} from './screens/query-screen.js';
import {RecordScreen} from './screens/record-screen.js';
import {ReshardScreen} from './screens/reshard-screen.js';
import {StreamScreen} from './screens/stream-screen.js';
import {StreamsScreen} from './screens/streams-screen.js';
import {TailScreen} from './screens/tail-screen.js';
import {ContextsScreen, type ContextSwitching} from './screens/contexts-screen.js';

/** What the app shares with its screens beyond the props every screen gets. */
export type ScreenContext = {
	driver: Driver;
	readOnly: boolean;
	keymap: readonly Binding[];
	streams: StreamPollerState;
	alertIteratorAgeMs?: number;
	/** Where the last put went, per stream (the shard map marks it). */
	lastPut: Record<string, {shardId: string; hashKey?: bigint}>;
	onPut(stream: string, outcome: {shardId: string; partitionKey?: string}): void;
	/** The queries run in this console, oldest first. */
	queryHistory: string[];
	pollIntervalMs?: number;
	rateOptions?: ShardRateSamplerOptions;
	tailOptions?: Omit<LiveTailOptions, 'shardId' | 'from' | 'bufferSize'>;
	tailBufferSize?: number;
	saveDirectory?: string;
	auditDirectory?: string;
	/** Switching contexts, when the console was started with them. */
	contexts?: ContextSwitching;
};

type Renderer<Kind extends Screen['kind']> = (
	screen: Extract<Screen, {kind: Kind}>,
	common: ScreenProps,
	context: ScreenContext,
) => ReactElement;

const SCREENS: {[Kind in Screen['kind']]: Renderer<Kind>} = {
	streams: (_screen, common, context) => (
		<StreamsScreen
			{...common}
			state={context.streams}
			region={context.driver.target.region}
			alertIteratorAgeMs={context.alertIteratorAgeMs}
		/>
	),
	stream: (screen, common, context) => (
		<StreamScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			pollIntervalMs={context.pollIntervalMs}
			rateOptions={context.rateOptions}
			lastPut={context.lastPut[screen.stream]}
		/>
	),
	metrics: (screen, common, context) => (
		<MetricsScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			shardId={screen.shardId}
			pollIntervalMs={context.pollIntervalMs}
			alertIteratorAgeMs={context.alertIteratorAgeMs}
			rateOptions={context.rateOptions}
		/>
	),
	consumers: (screen, common, context) => (
		<ConsumersScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			pollIntervalMs={context.pollIntervalMs}
			alertIteratorAgeMs={context.alertIteratorAgeMs}
		/>
	),
	consumer: (screen, common, context) => (
		<ConsumerScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			consumer={screen.consumer}
			pollIntervalMs={context.pollIntervalMs}
		/>
	),
	firehose: (_screen, common, context) => (
		<FirehoseScreen {...common} driver={context.driver} pollIntervalMs={context.pollIntervalMs} />
	),
	delivery: (screen, common, context) => (
		<DeliveryScreen
			{...common}
			driver={context.driver}
			deliveryStream={screen.deliveryStream}
			pollIntervalMs={context.pollIntervalMs}
			chartsIntervalMs={context.pollIntervalMs}
		/>
	),
	put: (screen, common, context) => (
		<PutScreen
			{...common}
			driver={context.driver}
			name={screen.stream}
			delivery={screen.delivery}
			onPut={context.onPut}
		/>
	),
	query: (screen, common, context) => (
		<QueryScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			streams={context.streams.rows.map((row) => row.name)}
			history={context.queryHistory}
			saveDirectory={context.saveDirectory}
			tailOptions={context.tailOptions}
		/>
	),
	reshard: (screen, common, context) => (
		<ReshardScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			action={screen.action}
			shardId={screen.shardId}
			hotKey={screen.hotKey}
			auditDirectory={context.auditDirectory}
			pollIntervalMs={context.pollIntervalMs}
		/>
	),
	repair: (screen, common, context) => (
		<LeaseRepairScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			lease={screen.lease}
			repair={screen.repair}
			auditDirectory={context.auditDirectory}
		/>
	),
	tail: (screen, common, context) => (
		<TailScreen
			{...common}
			driver={context.driver}
			stream={screen.stream}
			shardId={screen.shardId}
			bufferSize={context.tailBufferSize}
			saveDirectory={context.saveDirectory}
			tailOptions={context.tailOptions}
			auditDirectory={context.auditDirectory}
		/>
	),
	record: (screen, common) => (
		<RecordScreen
			{...common}
			stream={screen.stream}
			entry={screen.entry}
			initialMode={screen.mode}
		/>
	),
	contexts: (_screen, common, context) => (
		<ContextsScreen {...common} contexts={context.contexts} />
	),
	help: (screen, common, context) => (
		<HelpScreen
			width={common.width}
			height={common.height}
			active={common.active}
			scope={screen.scope}
			readOnly={context.readOnly}
			keymap={context.keymap}
		/>
	),
};

/** One screen of the stack, drawn by its kind's entry in the table. */
export function StackScreen(props: {screen: Screen; common: ScreenProps; context: ScreenContext}) {
	const {screen, common, context} = props;
	// The table is typed per kind; TypeScript cannot narrow an indexed union call, hence the cast.
	const render = SCREENS[screen.kind] as Renderer<Screen['kind']>;
	return render(screen, common, context);
}
