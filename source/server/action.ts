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
	/**
	 * The decoded input read straight from an AWS JSON 1.1 body, or undefined to take the general path
	 * (JSON.parse, then the shape decoder). It may give a value only where the general path would give
	 * the same one, for an action whose requests are large and frequent (PutRecords).
	 */
	readJson?(body: Buffer): Input | undefined;
};
