/**
 * AWS's rules for a stream's tags beyond their lengths (which are input validation), with the answers
 * AWS gave (recorded by kinesalite's tests): the characters a key or value may hold, and 50 tags per
 * stream (once 10: AWS raised the limit, and its message says the new one).
 */
import {invalidArgument} from './errors.js';
import type {Tag} from '../kinesis/types.js';

export const MAX_TAGS_PER_STREAM = 50;

/**
 * Unicode letters (as AWS counts them: the Latin-1 letters on, up to the surrogates), ASCII letters and
 * digits, white space as a plain space, and `_ . : / = + - @` (the colon, allowed by today's tag rules,
 * is missing from the older message below); `%` passes this test but is refused next.
 */
const ALLOWED = /^[\u00C0-\u1FFF\u2C00-\uD7FF\w.:/=+\- @%]*$/;

/** Refuses tags with characters AWS does not allow, in AWS's order of checks and words. */
export function checkTagCharacters(
	tags: Record<string, string>,
	streamName: string,
	accountId: string,
) {
	const texts = [...Object.keys(tags), ...Object.values(tags)];
	if (texts.some((text) => !ALLOWED.test(text))) {
		throw invalidArgument(
			'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
		);
	}

	if (texts.some((text) => text.includes('%'))) {
		throw invalidArgument(
			`Failed to add tags to stream ${streamName} under account ${accountId} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`,
		);
	}
}

/** `existing` with `added` set on it; refused if the stream would have more than 50 tags. */
export function mergeTags(
	existing: Tag[],
	added: Record<string, string>,
	streamName: string,
	accountId: string,
): Tag[] {
	const tags = new Map(existing.map((tag) => [tag.Key, tag.Value]));
	for (const [key, value] of Object.entries(added)) tags.set(key, value);
	if (tags.size > MAX_TAGS_PER_STREAM) {
		throw invalidArgument(
			`Failed to add tags to stream ${streamName} under account ${accountId} because a given stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`,
		);
	}

	return [...tags].map(([Key, Value]) => ({Key, Value}));
}
