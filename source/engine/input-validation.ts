/**
 * AWS checks every request against its API model's constraints before anything else, and answers
 * ValidationException (400) listing every broken one (source/kinesis/validate-input.ts). Here that
 * check is put in front of each engine method named after a Kinesis action (`createStream` for
 * CreateStream, …), once for the class: whoever calls the engine — `serve` for a client on the
 * network, the local driver for the console — gets the model's checks first, and the engine's own
 * code keeps only AWS's semantic checks (InvalidArgumentException and the like).
 */
import {inputValidationMessage, modelActions} from '../kinesis/validate-input.js';
import {KinesisError} from './errors.js';

/**
 * Channels are newer than the model the table was generated from, whose ResourceARN pattern knows
 * streams and consumers only: a request about a channel is left to the engine's own checks
 * (resources.ts), which know its ARN.
 */
const CHANNEL_ARN = /^arn:aws.*:kinesis:.*:\d{12}:channel\/\S+$/;
const isAboutChannel = (input: object | undefined) => {
	const arn = (input as {ResourceARN?: unknown} | undefined)?.ResourceARN;
	return typeof arn === 'string' && CHANNEL_ARN.test(arn);
};

/** Throws AWS's ValidationException if `input` breaks the model's constraints for `action`. */
export function checkInput(action: string, input: object | undefined) {
	if (isAboutChannel(input)) return;
	const message = inputValidationMessage(action, input ?? {});
	if (message !== undefined) throw new KinesisError('ValidationException', message);
}

type Method = (this: unknown, input?: object, ...rest: unknown[]) => unknown;

/** Makes every action method of `prototype` (see above) check its input first. */
export function checkInputsOfActions(prototype: object) {
	const methods = prototype as Record<string, Method>;
	for (const action of modelActions) {
		const name = action[0].toLowerCase() + action.slice(1);
		const method = methods[name];
		if (typeof method !== 'function') continue;
		methods[name] = function (this: unknown, input?: object, ...rest: unknown[]) {
			checkInput(action, input);
			return method.call(this, input, ...rest);
		};
	}
}
