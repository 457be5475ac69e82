/**
 * One record on its way from a copy's source to its destination, whatever the source: a stream's
 * record (its shard and sequence number), a line of a saved `tail` file (the same), or a record read
 * back from a Firehose object (the object's key, and the record's place in it).
 */
export type CopyRecord = {
	/**
	 * Where the record came from, for the checkpoint: the source shard, or the Firehose object's key.
	 * Records of one source partition come in order.
	 */
	partition: string;
	/** Its place in the partition: the sequence number, or the record's number in the object (1, 2, …). */
	position: string;
	partitionKey: string;
	/** The hash key it was put with, when the source knows it (a saved line that carries one). */
	explicitHashKey?: string;
	data: Uint8Array;
	/** ApproximateArrivalTimestamp, when the source has one. */
	arrival?: Date;
	/** Set by the checkpoint when it tracks the record: its place among the partition's records read. */
	ticket?: number;
};

/** A source: its records in order, a batch at a time (one partition's records per batch). */
export type CopySource = AsyncIterable<CopyRecord[]>;
