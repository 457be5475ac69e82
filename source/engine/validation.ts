/**
 * AWS's input validation, as its `ValidationException` words it: every member that breaks a constraint
 * of the API model (required, length, pattern, enum, range) is listed in one error, "N validation errors
 * detected: Value '…' at '…' failed to satisfy constraint: …; …". A missing required member reads
 * "Value null at '…'", without quotes.
 */
import {KinesisError} from './errors.js';

type Problem = {value: unknown; at: string; constraint: string};

export class Validation {
	private readonly problems: Problem[] = [];

	/** Required member: `Member must not be null`. Says whether the value is present. */
	required(value: unknown, at: string): boolean {
		if (value !== undefined && value !== null) return true;
		this.problems.push({value: null, at, constraint: 'Member must not be null'});
		return false;
	}

	/** String (or list) length within [min, max]. */
	length(value: string | unknown[] | undefined, at: string, min: number, max: number) {
		if (value === undefined) return this;
		const shown = Array.isArray(value) ? `[${value.join(', ')}]` : value;
		if (value.length < min) {
			this.problems.push({
				value: shown,
				at,
				constraint: `Member must have length greater than or equal to ${min}`,
			});
		} else if (value.length > max) {
			this.problems.push({
				value: shown,
				at,
				constraint: `Member must have length less than or equal to ${max}`,
			});
		}

		return this;
	}

	/** Whole-string match of `pattern`; `text` is the pattern as AWS's model writes it. */
	pattern(value: string | undefined, at: string, pattern: RegExp, text: string) {
		if (value !== undefined && !pattern.test(value)) {
			this.problems.push({
				value,
				at,
				constraint: `Member must satisfy regular expression pattern: ${text}`,
			});
		}

		return this;
	}

	/** One of an enum's values. */
	oneOf(value: string | undefined, at: string, values: readonly string[]) {
		if (value !== undefined && !values.includes(value)) {
			this.problems.push({
				value,
				at,
				constraint: `Member must satisfy enum value set: [${values.join(', ')}]`,
			});
		}

		return this;
	}

	/** Integer within [min, max]. */
	range(value: number | undefined, at: string, min: number, max: number) {
		if (value === undefined) return this;
		if (value < min) {
			this.problems.push({
				value,
				at,
				constraint: `Member must have value greater than or equal to ${min}`,
			});
		} else if (value > max) {
			this.problems.push({
				value,
				at,
				constraint: `Member must have value less than or equal to ${max}`,
			});
		}

		return this;
	}

	/** Throws the ValidationException listing every problem found, if any. */
	check() {
		const count = this.problems.length;
		if (count === 0) return;
		const details = this.problems
			.map(
				({value, at, constraint}) =>
					`Value ${value === null ? 'null' : `'${String(value)}'`} at '${at}' failed to satisfy constraint: ${constraint}`,
			)
			.join('; ');
		throw new KinesisError(
			'ValidationException',
			`${count} validation error${count === 1 ? '' : 's'} detected: ${details}`,
		);
	}
}

/** Names of streams, consumers and channels: `[a-zA-Z0-9_.-]+`, 1–128 characters. */
export const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
export const NAME_PATTERN_TEXT = '[a-zA-Z0-9_.-]+';

/** AWS's stream ARN pattern (`arn:aws.*:kinesis:.*:\d{12}:stream/\S+`). */
export const STREAM_ARN_PATTERN = /^arn:aws.*:kinesis:.*:\d{12}:stream\/\S+$/;
export const STREAM_ARN_PATTERN_TEXT = 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+';

/** The tag rules of TagResource, RegisterStreamConsumer and CreateChannel. */
export function validateTags(validation: Validation, tags: Record<string, string>, at: string) {
	for (const [key, value] of Object.entries(tags)) {
		validation.length(key, `${at}.key`, 1, 128);
		validation.length(value, `${at}.value`, 0, 256);
	}
}

/** `{Key: Value}` as the `Tag` list AWS answers with. */
export const tagList = (tags: Record<string, string>) =>
	Object.entries(tags).map(([Key, Value]) => ({Key, Value}));
