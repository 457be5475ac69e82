/**
 * Credentials that need a person: an SSO session that has expired (or was never started) and a role that
 * asks for an MFA code. The SDK says so in a long provider error; the console and the commands say
 * instead which command to run — first, so that a narrow screen still shows it — and the console stays
 * usable in other contexts.
 */
import {DriverError} from './driver.js';

const PROVIDER_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);

/** The LoginRequired error for `error`, or undefined when it is not one a person must act on. */
export function loginRequiredError(error: unknown, profile: string): DriverError | undefined {
	if (!(error instanceof Error) || !PROVIDER_ERRORS.has(error.name)) return undefined;
	if (/\bSSO\b/i.test(error.message)) {
		return new DriverError(
			'LoginRequired',
			`run aws sso login --profile ${profile}: its SSO session has expired or was never started`,
		);
	}

	if (/\bMFA\b|multi-factor/i.test(error.message)) {
		return new DriverError(
			'LoginRequired',
			`profile ${profile} asks for an MFA code, which kinesis-top cannot prompt for: start a session with the AWS CLI (aws sts get-session-token --serial-number ARN --token-code CODE) and use its credentials`,
		);
	}

	return undefined;
}
