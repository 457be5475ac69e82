/** The `/` filter of the plain lists (streams, shards): a smart-case substring of any of the fields. */
import {substringMatcher} from '../tail/record-filter.js';

export function filterList<T>(
	items: readonly T[],
	query: string,
	fields: (item: T) => string[],
): T[] {
	const text = query.trim();
	if (text === '') return [...items];
	const matches = substringMatcher(text);
	return items.filter((item) => fields(item).some(matches));
}

/** " · /query" for titles, when a filter is set. */
export function filterLabel(query: string) {
	return query.trim() === '' ? '' : ` · /${query.trim()}`;
}
