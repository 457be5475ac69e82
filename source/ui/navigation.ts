/**
 * The console's screens as a stack: the streams table at the bottom, then a stream's shard map, a live
 * tail, one record, the help. Every screen on the stack stays mounted (hidden when covered), so going
 * back finds a tail still running and a selection where it was; only the top one takes keys.
 */
import type {LeaseRepair, LeaseSnapshot} from '../consumers/lease-repairs.js';
import type {DecodeMode} from '../decode/present.js';
import type {TailEntry} from '../tail/tail-entries.js';
import type {Notice} from './components/footer.js';
import type {PromptRequest} from './components/prompt.js';
import type {Scope} from './keymap.js';

export type Screen =
	| {kind: 'streams'}
	| {kind: 'stream'; stream: string}
	| {kind: 'tail'; stream: string; shardId?: string}
	| {kind: 'record'; stream: string; entry: TailEntry; mode: DecodeMode}
	/** The put form, for a stream or (`delivery`) a Firehose delivery stream. */
	| {kind: 'put'; stream: string; delivery?: boolean}
	| {kind: 'query'; stream: string}
	| {
			kind: 'reshard';
			stream: string;
			action: 'split' | 'merge' | 'scale';
			shardId?: string;
			/** The hottest key going to the shard, which a split can isolate. */
			hotKey?: string;
	  }
	| {kind: 'metrics'; stream: string; shardId?: string}
	/** Who reads the stream and how far behind (KCL applications, EFO consumers, Lambda mappings). */
	| {kind: 'consumers'; stream: string}
	/** One of them: a KCL application shard by shard, or an EFO consumer's or Lambda mapping's details. */
	| {kind: 'consumer'; stream: string; consumer: string}
	/** A guarded repair of one KCL lease: reset its checkpoint, or release it. */
	| {kind: 'repair'; stream: string; lease: LeaseSnapshot; repair: LeaseRepair}
	| {kind: 'firehose'}
	| {kind: 'delivery'; deliveryStream: string}
	/** The contexts to switch between (profiles, endpoints, the local engine). */
	| {kind: 'contexts'}
	/** The help for the screen it was opened from (`scope`): that screen's keys first. */
	| {kind: 'help'; scope: Scope};

/** A screen on the stack: a stable id (its React key) and its live filter, for those that have one. */
export type StackEntry = {id: number; screen: Screen; filter: string};

export const SCREEN_SCOPE: Record<Screen['kind'], Scope> = {
	streams: 'streams',
	stream: 'stream',
	tail: 'tail',
	record: 'record',
	put: 'put',
	query: 'query',
	reshard: 'reshard',
	metrics: 'metrics',
	consumers: 'consumers',
	consumer: 'consumer',
	repair: 'repair',
	firehose: 'firehose',
	delivery: 'delivery',
	contexts: 'contexts',
	help: 'help',
};

export const isFilterable = (screen: Screen) =>
	screen.kind === 'streams' ||
	screen.kind === 'stream' ||
	screen.kind === 'tail' ||
	screen.kind === 'firehose';

/** What a screen may ask of the app. */
export type Navigation = {
	push(screen: Screen): void;
	/** Opens the `/` prompt for the top screen's filter. */
	openFilter(): void;
	openPrompt(request: PromptRequest): void;
	notify(notice: Notice): void;
};

/** What every screen is given. */
export type ScreenProps = {
	width: number;
	height: number;
	/** The top of the stack, with no prompt open: the screen takes keys. */
	active: boolean;
	/** On the top of the stack (visible), prompt or not. */
	visible: boolean;
	filter: string;
	navigation: Navigation;
};
