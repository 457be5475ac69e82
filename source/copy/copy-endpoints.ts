/**
 * What `copy SOURCE DESTINATION` names, read from its two words: a stream, a saved NDJSON file (a path
 * with a slash or ending in .ndjson, or `file:PATH`), stdin (`-`), or a Firehose delivery stream's
 * archive (`firehose:NAME[/PREFIX]`); the destination a stream or `firehose:NAME`.
 */
export type CopySourceSpec =
	| {kind: 'stream'; name: string}
	| {kind: 'file'; path: string}
	| {kind: 'stdin'}
	| {kind: 'firehose'; name: string; prefix: string};

export type CopyDestinationSpec = {kind: 'stream'; name: string} | {kind: 'firehose'; name: string};

export function parseCopySource(text: string): CopySourceSpec {
	if (text === '-') return {kind: 'stdin'};
	if (text.startsWith('firehose:')) {
		const rest = text.slice('firehose:'.length);
		const slash = rest.indexOf('/');
		return slash === -1
			? {kind: 'firehose', name: rest, prefix: ''}
			: {kind: 'firehose', name: rest.slice(0, slash), prefix: rest.slice(slash + 1)};
	}

	if (text.startsWith('file:')) return {kind: 'file', path: text.slice('file:'.length)};
	// Stream names are letters, digits, _ . and -: a slash or an NDJSON ending means a file.
	if (text.includes('/') || /\.(ndjson|jsonl)$/.test(text)) return {kind: 'file', path: text};
	return {kind: 'stream', name: text};
}

export function parseCopyDestination(text: string): CopyDestinationSpec {
	return text.startsWith('firehose:')
		? {kind: 'firehose', name: text.slice('firehose:'.length)}
		: {kind: 'stream', name: text};
}

/** How the checkpoint and messages name an endpoint. */
export function describeSource(source: CopySourceSpec) {
	switch (source.kind) {
		case 'stream': {
			return source.name;
		}

		case 'file': {
			return `file:${source.path}`;
		}

		case 'stdin': {
			return 'stdin';
		}

		case 'firehose': {
			return `firehose:${source.name}${source.prefix === '' ? '' : '/' + source.prefix}`;
		}
	}
}

export const describeDestination = (destination: CopyDestinationSpec) =>
	destination.kind === 'stream' ? destination.name : `firehose:${destination.name}`;

/** Whether a copy would write back into what it reads. */
export function isSameEndpoint(source: CopySourceSpec, destination: CopyDestinationSpec) {
	return (
		(source.kind === 'stream' || source.kind === 'firehose') &&
		source.kind === destination.kind &&
		source.name === destination.name
	);
}
