/**
 * A delivery stream's tags: TagDeliveryStream (at most 50 per delivery stream), UntagDeliveryStream and
 * ListTagsForDeliveryStream, with Firehose's validation and wording; each change saved with the metadata.
 */
import type {DeliveryStreams} from './delivery-streams.js';
import {limitExceeded, Problems} from './errors.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {checkLimit, checkName, checkTags} from './validation.js';
import type {ListTagsForDeliveryStreamInput, Tag} from '../../kinesis/firehose-types.js';

export class DeliveryStreamTags {
	constructor(
		private readonly accountId: string,
		private readonly deliveryStreams: DeliveryStreams,
	) {}

	/** TagDeliveryStream: adds or replaces tags, at most 50 per delivery stream. */
	tagDeliveryStream(input: {DeliveryStreamName: string; Tags: Tag[]}) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		if (!Array.isArray(input.Tags) || input.Tags.length < 1) {
			problems.add(
				input.Tags === undefined ? null : '[]',
				'tags',
				'Member must have length greater than or equal to 1',
			);
		} else {
			checkTags(input.Tags, problems, 'tags');
		}

		problems.throwIfAny();
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const tags = new Map(stream.tags.map((tag) => [tag.Key, tag.Value]));
		for (const tag of input.Tags) tags.set(tag.Key, tag.Value);
		if (tags.size > FIREHOSE_LIMITS.maxTags) {
			throw limitExceeded(
				`Failed to add tags to Firehose ${stream.name} under account ${this.accountId} because a delivery stream cannot have more than ${FIREHOSE_LIMITS.maxTags} tags.`,
			);
		}

		const previous = stream.tags;
		stream.tags = [...tags].map(([Key, Value]) => (Value === undefined ? {Key} : {Key, Value}));
		this.deliveryStreams.saveOrUndo(() => (stream.tags = previous));
	}

	/** UntagDeliveryStream: removes the tags with these keys (keys it does not have are ignored). */
	untagDeliveryStream(input: {DeliveryStreamName: string; TagKeys: string[]}) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		const keys = input.TagKeys;
		if (!Array.isArray(keys) || keys.length < 1 || keys.length > FIREHOSE_LIMITS.maxTags) {
			problems.add(
				Array.isArray(keys) ? `[${keys.join(', ')}]` : null,
				'tagKeys',
				Array.isArray(keys) && keys.length > FIREHOSE_LIMITS.maxTags
					? `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxTags}`
					: 'Member must have length greater than or equal to 1',
			);
		}

		problems.throwIfAny();
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const previous = stream.tags;
		stream.tags = stream.tags.filter((tag) => !keys.includes(tag.Key));
		this.deliveryStreams.saveOrUndo(() => (stream.tags = previous));
	}

	/** ListTagsForDeliveryStream: tags in key order, after ExclusiveStartTagKey, at most Limit (50). */
	listTagsForDeliveryStream(input: ListTagsForDeliveryStreamInput): {
		Tags: Tag[];
		HasMoreTags: boolean;
	} {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		checkLimit(input.Limit, FIREHOSE_LIMITS.maxTags, problems);
		problems.throwIfAny();
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const after = input.ExclusiveStartTagKey;
		const tags = [...stream.tags]
			.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0))
			.filter((tag) => after === undefined || tag.Key > after);
		const limit = input.Limit ?? FIREHOSE_LIMITS.maxTags;
		return {Tags: tags.slice(0, limit).map((tag) => ({...tag})), HasMoreTags: tags.length > limit};
	}
}
