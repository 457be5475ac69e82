/**
 * The one definition of an error worth retrying, which every retry loop shares (the driver's retry
 * wrapper, the producers' batch loop, the tail, the pollers, resharding's wait, the demo): throttling, a
 * server fault (5xx) or a network failure (refused, reset, timed out, an unreadable answer). Each
 * backend marks those `retryable` where it raises them (aws-driver.ts from the SDK's answer, the engine
 * on its throttling and InternalFailure errors); anything else — access denied, bad credentials, an
 * unknown stream, validation, a bug — is not transient and is shown at once.
 */
import {DriverError} from './driver.js';

export const isTransient = (error: unknown): error is DriverError =>
	error instanceof DriverError && error.retryable;
