/**
 * One API action as the server sees it, whichever service it belongs to: the input shape the wire
 * decoder checks, and the translation from decoded input to an engine call and back. Each service's
 * action table (kinesis-api.ts, firehose-api.ts, cloudwatch-api.ts) is a record of these.
 */
import type {Shape} from './shapes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Input = Record<string, any>;

export type ServiceAction<Engine> = {
	shape: Record<string, Shape>;
	run(engine: Engine, input: Input): unknown;
	/**
	 * The output as an AWS JSON 1.1 body, byte for byte `JSON.stringify(toWire(output))` but faster,
	 * for an action whose answers are large and frequent (PutRecords).
	 */
	json?(output: unknown): Buffer;
};
