/**
 * The actions that name a resource by ARN: TagResource / UntagResource / ListTagsForResource (streams,
 * consumers and channels) and Put/Get/DeleteResourcePolicy (streams and consumers). A stream's tags are
 * the same ones AddTagsToStream and ListTagsForStream see. Policies are kept as the JSON documents they
 * are (checked to be JSON objects) but not enforced: the engine has no IAM.
 */
import type {Channels} from './channels.js';
import {consumerNotActive, consumerStatus, isConsumerArn, type Consumers} from './consumers.js';
import type {EngineContext} from './context.js';
import {invalidArgument, resourceNotFound} from './errors.js';
import type {Tag} from '../kinesis/types.js';
import {STREAM_ARN_PATTERN, validateTags, Validation} from './validation.js';

const RESOURCE_ARN = /^arn:aws.*:kinesis:.*:\d{12}:.+$/;
const RESOURCE_ARN_TEXT = 'arn:aws.*:kinesis:.*:\\d{12}:.+';
const CHANNEL_ARN = /^arn:aws.*:kinesis:.*:\d{12}:channel\/\S+$/;
const MAX_TAGS = 50;
const MAX_POLICY_BYTES = 20_480;

type Target = {
	name: string;
	tags(): Tag[];
	setTags(tags: Tag[]): void;
	policy?: {get(): string | undefined; set(policy: string | undefined): void};
};

export class Resources {
	constructor(
		private readonly context: EngineContext,
		private readonly consumers: Consumers,
		private readonly channels: Channels,
	) {}

	/** TagResource: adds or replaces tags, at most 50 per resource. */
	tagResource(input: {ResourceARN?: string; Tags?: Record<string, string>}) {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		if (validation.required(input.Tags, 'tags')) validateTags(validation, input.Tags!, 'tags');
		validation.check();
		this.checkReserved(Object.keys(input.Tags!));
		const target = this.targetOf(input.ResourceARN!);
		const tags = new Map(target.tags().map((tag) => [tag.Key, tag.Value]));
		for (const [key, value] of Object.entries(input.Tags!)) tags.set(key, value);
		if (tags.size > MAX_TAGS) {
			throw invalidArgument(
				`Failed to add tags to resource ${target.name} under account ${this.context.accountId} because a given resource cannot have more than ${MAX_TAGS} tags.`,
			);
		}

		target.setTags([...tags].map(([Key, Value]) => ({Key, Value})));
	}

	/** UntagResource: removes the tags with the given keys (absent keys are ignored). */
	untagResource(input: {ResourceARN?: string; TagKeys?: string[]}) {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		if (validation.required(input.TagKeys, 'tagKeys')) {
			validation.length(input.TagKeys, 'tagKeys', 1, MAX_TAGS);
			for (const key of input.TagKeys!) {
				if (validation.required(key, 'tagKeys.member')) {
					validation.length(key, 'tagKeys.member', 1, 128);
				}
			}
		}

		validation.check();
		this.checkReserved(input.TagKeys!);
		const target = this.targetOf(input.ResourceARN!);
		target.setTags(target.tags().filter((tag) => !input.TagKeys!.includes(tag.Key)));
	}

	/** ListTagsForResource: every tag, by key. */
	listTagsForResource(input: {ResourceARN?: string}): {Tags: Tag[]} {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		validation.check();
		const tags = [...this.targetOf(input.ResourceARN!).tags()];
		return {Tags: tags.sort((a, b) => (a.Key < b.Key ? -1 : 1))};
	}

	/** PutResourcePolicy: a JSON policy document on a stream or an ACTIVE consumer. */
	putResourcePolicy(input: {ResourceARN?: string; Policy?: string}) {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		if (validation.required(input.Policy, 'policy')) {
			validation.length(input.Policy, 'policy', 1, MAX_POLICY_BYTES);
		}

		validation.check();
		let document: unknown;
		try {
			document = JSON.parse(input.Policy!);
		} catch {
			document = undefined;
		}

		if (typeof document !== 'object' || document === null || Array.isArray(document)) {
			throw invalidArgument('The policy is not a valid JSON policy document.');
		}

		this.policyOf(input.ResourceARN!, true).set(input.Policy);
	}

	/** GetResourcePolicy: the policy, or an empty document when none is attached. */
	getResourcePolicy(input: {ResourceARN?: string}): {Policy: string} {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		validation.check();
		return {Policy: this.policyOf(input.ResourceARN!).get() ?? '{}'};
	}

	/** DeleteResourcePolicy: removes the policy (none attached is not an error). */
	deleteResourcePolicy(input: {ResourceARN?: string}) {
		const validation = new Validation();
		this.validateArn(validation, input.ResourceARN);
		validation.check();
		const policy = this.policyOf(input.ResourceARN!);
		if (policy.get() !== undefined) policy.set(undefined);
	}

	private validateArn(validation: Validation, arn: string | undefined) {
		if (validation.required(arn, 'resourceARN')) {
			validation
				.length(arn, 'resourceARN', 1, 2048)
				.pattern(arn, 'resourceARN', RESOURCE_ARN, RESOURCE_ARN_TEXT);
		}
	}

	private checkReserved(keys: string[]) {
		const reserved = keys.filter((key) => key.toLowerCase().startsWith('aws:'));
		if (reserved.length > 0) {
			throw invalidArgument(
				`Tag keys starting with 'aws:' are reserved for AWS use: ${reserved.join(', ')}`,
			);
		}
	}

	private policyOf(arn: string, forPut = false) {
		const target = this.targetOf(arn, forPut);
		if (!target.policy) {
			throw invalidArgument(
				`Resource policies can be attached to streams and consumers only, not to ${arn}.`,
			);
		}

		return target.policy;
	}

	/** The stream, consumer or channel an ARN names. */
	private targetOf(arn: string, requireActiveConsumer = false): Target {
		const context = this.context;
		if (isConsumerArn(arn)) {
			const {stream, consumer} = this.consumers.resolve({ConsumerARN: arn});
			if (requireActiveConsumer && consumerStatus(consumer, context.clock.now()) !== 'ACTIVE') {
				throw consumerNotActive(context, stream, consumer);
			}

			const update = (change: Partial<typeof consumer>) => {
				const previous = stream.consumers;
				stream.consumers = stream.consumers.map((each) =>
					each.name === consumer.name && each.createdAt === consumer.createdAt
						? {...each, ...change}
						: each,
				);
				context.saveOrUndo(() => (stream.consumers = previous));
			};

			return {
				name: consumer.name,
				tags: () => consumer.tags,
				setTags: (tags) => update({tags}),
				policy: {get: () => consumer.policy, set: (policy) => update({policy})},
			};
		}

		if (STREAM_ARN_PATTERN.test(arn)) {
			const stream = context.streamOf({StreamARN: arn});
			return {
				name: stream.name,
				tags: () => stream.tags,
				setTags(tags) {
					const previous = stream.tags;
					stream.tags = tags;
					context.saveOrUndo(() => (stream.tags = previous));
				},
				policy: {
					get: () => stream.settings.policy,
					set(policy) {
						const previous = stream.settings;
						stream.settings = {...stream.settings, policy};
						if (policy === undefined) delete stream.settings.policy;
						context.saveOrUndo(() => (stream.settings = previous));
					},
				},
			};
		}

		if (CHANNEL_ARN.test(arn)) {
			const channel = this.channels.find(arn);
			if (!channel) {
				throw resourceNotFound(`Channel ${arn} under account ${context.accountId} not found.`);
			}

			return {
				name: channel.name,
				tags: () => channel.tags,
				setTags: (tags) => this.channels.setTags(channel, tags),
			};
		}

		throw invalidArgument(
			`Invalid ResourceARN ${arn}: expected the ARN of a stream, a consumer or a channel.`,
		);
	}
}
