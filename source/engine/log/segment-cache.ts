/**
 * Keeps the bytes of sealed, on-disk segments in memory up to a budget, least recently read first out,
 * so a long-running durable engine's memory stays bounded while recent data stays fast to read.
 */
import type {Segment} from './segment.js';

export class SegmentCache {
	/** Insertion order is recency order: a touch moves a segment to the end. */
	private readonly segments = new Set<Segment>();
	private bytes = 0;

	constructor(private readonly budgetBytes: number) {}

	add(segment: Segment) {
		if (!segment.path || this.segments.has(segment)) return;
		this.segments.add(segment);
		this.bytes += segment.size;
		this.evict(segment);
	}

	touch(segment: Segment) {
		if (!segment.path || !segment.sealed) return;
		if (this.segments.delete(segment)) {
			this.segments.add(segment);
		} else {
			this.add(segment);
		}
	}

	delete(segment: Segment) {
		if (this.segments.delete(segment)) this.bytes -= segment.size;
	}

	private evict(keep: Segment) {
		for (const segment of this.segments) {
			if (this.bytes <= this.budgetBytes) return;
			if (segment === keep) continue;
			this.segments.delete(segment);
			this.bytes -= segment.size;
			segment.unload();
		}
	}
}
