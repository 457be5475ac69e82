/** The line under the header: the current error in full when there is one, else the list's extent. */
import {Box, Text} from 'ink';
import type {PollerError} from '../../monitor/stream-poller.js';
import {formatClock, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type StatusLineProps = {
	title: string;
	error?: PollerError;
	width: number;
};

export function errorText(error: PollerError) {
	if (error.notOffered) return `⚠ ${error.message}`;
	const attempt = error.failures > 1 ? ` (${error.failures} failures)` : '';
	const next = error.retryAt ? `retry at ${formatClock(error.retryAt)}` : 'not retried';
	return `✖ ${error.code ?? 'Error'}: ${error.message}${attempt} · ${next}`;
}

export function StatusLine({title, error, width}: StatusLineProps) {
	const theme = useTheme();
	return (
		<Box width={width}>
			{error ? (
				<Text color={error.notOffered ? theme.warning : theme.danger}>
					{truncate(errorText(error), width)}
				</Text>
			) : (
				<Text bold>{truncate(title, width)}</Text>
			)}
		</Box>
	);
}
