/**
 * Account-level actions: DescribeLimits (the shard limit and how much of it open shards use, the
 * on-demand stream limit and count, channels), and the account settings of DescribeAccountSettings /
 * UpdateAccountSettings — the minimum throughput billing commitment that unlocks warm throughput on
 * on-demand streams. A commitment lasts at least 24 hours: disabling it earlier schedules it to end at
 * its earliest allowed end (ENABLED_UNTIL_EARLIEST_ALLOWED_END), and enabling again cancels that.
 */
import type {EngineContext} from './context.js';
import {LIMITS, SETTINGS_LIMITS} from '../kinesis/limits.js';

export type CommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END';

/** What the metadata keeps of the account. */
export type AccountMetadata = {
	commitment?: {
		startedAt: number;
		earliestAllowedEndAt: number;
		/** Set once disabling was asked for: the commitment ends then. */
		endsAt?: number;
	};
	/** When the last commitment ended, if one did. */
	lastEndedAt?: number;
};

const COMMITMENT_MINIMUM_MS = 24 * 3_600_000;

export class AccountSettings {
	private state: AccountMetadata = {};

	constructor(
		private readonly context: EngineContext,
		private readonly channelCount: () => {count: number; limit: number},
	) {}

	restore(metadata: AccountMetadata | undefined) {
		this.state = metadata ?? {};
	}

	toMetadata(): AccountMetadata {
		return this.state;
	}

	/** Whether a minimum throughput billing commitment is in force now. */
	commitmentEnabled() {
		const commitment = this.state.commitment;
		const now = this.context.clock.now();
		return commitment !== undefined && (commitment.endsAt === undefined || now < commitment.endsAt);
	}

	/** DescribeLimits. */
	describeLimits() {
		const streams = this.context.streams();
		const channels = this.channelCount();
		return {
			ShardLimit: LIMITS.accountShardLimit,
			OpenShardCount: streams.reduce((total, stream) => total + stream.openShards.length, 0),
			OnDemandStreamCount: streams.filter((stream) => stream.mode === 'ON_DEMAND').length,
			OnDemandStreamCountLimit: SETTINGS_LIMITS.onDemandStreamLimit,
			ChannelCount: channels.count,
			ChannelCountLimit: channels.limit,
		};
	}

	/** DescribeAccountSettings. */
	describeAccountSettings() {
		return {MinimumThroughputBillingCommitment: this.describeCommitment()};
	}

	/** UpdateAccountSettings: enable or disable the minimum throughput billing commitment. */
	updateAccountSettings(input: {MinimumThroughputBillingCommitment?: {Status?: string}}) {
		// The commitment and its status are required, the status ENABLED or DISABLED: the model's
		// constraints, checked before (input-validation.ts).
		const now = this.context.clock.now();
		const previous = this.state;
		this.settle(now);
		const commitment = this.state.commitment;
		if (input.MinimumThroughputBillingCommitment!.Status === 'ENABLED') {
			if (commitment) {
				// Enabling again cancels a scheduled end.
				this.state = {...this.state, commitment: {...commitment, endsAt: undefined}};
			} else {
				this.state = {
					...this.state,
					commitment: {startedAt: now, earliestAllowedEndAt: now + COMMITMENT_MINIMUM_MS},
				};
			}
		} else if (commitment) {
			if (now >= commitment.earliestAllowedEndAt) {
				this.state = {lastEndedAt: now};
			} else {
				this.state = {
					...this.state,
					commitment: {...commitment, endsAt: commitment.earliestAllowedEndAt},
				};
			}
		}

		this.context.saveOrUndo(() => (this.state = previous));
		return {MinimumThroughputBillingCommitment: this.describeCommitment()};
	}

	private describeCommitment() {
		this.settle(this.context.clock.now());
		const commitment = this.state.commitment;
		if (!commitment) {
			return {
				Status: 'DISABLED' as CommitmentStatus,
				...(this.state.lastEndedAt === undefined
					? {}
					: {EndedAt: new Date(this.state.lastEndedAt)}),
			};
		}

		return {
			Status: (commitment.endsAt === undefined
				? 'ENABLED'
				: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') as CommitmentStatus,
			StartedAt: new Date(commitment.startedAt),
			EarliestAllowedEndAt: new Date(commitment.earliestAllowedEndAt),
		};
	}

	/** A scheduled end that has come ends the commitment. */
	private settle(now: number) {
		const endsAt = this.state.commitment?.endsAt;
		if (endsAt !== undefined && now >= endsAt) this.state = {lastEndedAt: endsAt};
	}
}
