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
	 * A large, frequent request (PutRecords) answered in place: when its JSON 1.1 body is in the common
	 * form, how to run it and its answer's bytes; undefined for any other body, which then takes the
	 * generic path (parse, decode, run, encode) with the same result.
	 */
	direct?(engine: Engine, body: Buffer): (() => Promise<Buffer>) | undefined;
};
