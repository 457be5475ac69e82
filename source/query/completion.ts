/**
 * Completion for the query editor, driven by the grammar: the parser is run on the text up to the
 * cursor, and what it expected where the text ends — keywords, or a slot such as "an expression" or
 * "a time unit" — becomes the candidates, filtered by the word being typed.
 */
import {AGGREGATE_NAMES} from './aggregates.js';
import {COLUMN_NAMES} from './columns.js';
import {FUNCTION_NAMES} from './functions.js';
import {UNIT_NAMES} from './intervals.js';
import {expectationsAt} from './parser.js';
import {TYPE_NAMES} from './parser-vocabulary.js';

export type CandidateKind =
	'keyword' | 'column' | 'function' | 'aggregate' | 'stream' | 'unit' | 'type';

export type Candidate = {text: string; kind: CandidateKind};

export type Completion = {
	/** The span of the text the chosen candidate replaces (the word being typed). */
	from: number;
	to: number;
	candidates: Candidate[];
};

export type CompletionContext = {
	/** Stream names to offer after FROM. */
	streams?: readonly string[];
};

/** Words that can start an expression besides names and functions. */
const EXPRESSION_KEYWORDS = [
	'CASE',
	'CAST',
	'NOT',
	'INTERVAL',
	'TIMESTAMP',
	'TRUE',
	'FALSE',
	'NULL',
];

const ORDER: Record<CandidateKind, number> = {
	column: 0,
	aggregate: 1,
	function: 2,
	keyword: 3,
	stream: 0,
	unit: 0,
	type: 0,
};

/** The candidates at `cursor` in `text`. */
export function complete(
	text: string,
	cursor: number,
	context: CompletionContext = {},
): Completion {
	let from = cursor;
	while (from > 0 && /[A-Za-z0-9_]/.test(text[from - 1])) from--;
	const prefix = text.slice(from, cursor);
	const none = {from, to: cursor, candidates: []};
	// Inside `data.` (a payload field) nothing is known to offer.
	if (text[from - 1] === '.') return none;
	const expectations = expectationsAt(text.slice(0, from));
	if (!expectations) return none;
	const candidates = new Map<string, Candidate>();
	const add = (names: readonly string[], kind: CandidateKind) => {
		for (const name of names) {
			if (name.toLowerCase().startsWith(prefix.toLowerCase()) && !candidates.has(name)) {
				candidates.set(name, {text: name, kind});
			}
		}
	};

	for (const expectation of expectations) {
		switch (expectation.kind) {
			case 'keyword': {
				add([expectation.text], 'keyword');
				break;
			}

			case 'expression': {
				add(COLUMN_NAMES, 'column');
				add(AGGREGATE_NAMES, 'aggregate');
				add(FUNCTION_NAMES, 'function');
				add(EXPRESSION_KEYWORDS, 'keyword');
				break;
			}

			case 'stream': {
				add(context.streams ?? [], 'stream');
				break;
			}

			case 'unit': {
				add(UNIT_NAMES, 'unit');
				break;
			}

			case 'type': {
				add(TYPE_NAMES, 'type');
				break;
			}

			case 'interval': {
				add(['INTERVAL'], 'keyword');
				break;
			}

			default: {
				break;
			}
		}
	}

	const sorted = [...candidates.values()].sort(
		(a, b) => ORDER[a.kind] - ORDER[b.kind] || a.text.localeCompare(b.text),
	);
	return {from, to: cursor, candidates: sorted};
}
