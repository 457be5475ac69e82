/** The top line: what we are connected to, the badges that must never be missed, and health. */
import {Box, Text} from 'ink';
import type {BackendNotice, Target} from '../../driver/driver.js';
import type {StreamPollerState} from '../../monitor/stream-poller.js';
import {displayWidth} from '../../display-width.js';
import {formatClock, truncate} from '../format.js';
import {useTheme} from '../theme.js';

const TITLE = 'kinesis-top';

export function describeTarget(target: Target) {
	return [target.backend, target.region, target.account, target.location]
		.filter((part): part is string => Boolean(part))
		.join(' · ');
}

export type Health = {text: string; tone: 'ok' | 'warning' | 'danger'};

export function healthOf(state: StreamPollerState): Health {
	if (state.error) return {text: '✖ error', tone: 'danger'};
	if (!state.lastUpdated) return {text: '○ connecting…', tone: 'warning'};
	return {text: `● ok ${formatClock(state.lastUpdated)}`, tone: 'ok'};
}

export type HeaderProps = {
	target: Target;
	demo: boolean;
	health: Health;
	width: number;
	/** The backend's standing notice (records trimmed early, say), shown until it ends. */
	notice?: BackendNotice;
};

export function Header({target, demo, health, width, notice}: HeaderProps) {
	const theme = useTheme();
	const readOnly = target.readOnly ? ' [READ-ONLY]' : '';
	const context = target.context;
	// Production reads PROD even where colour is off (NO_COLOR): it must never be missed.
	const contextBadge = context
		? `[${context.label}${context.production && !/prod/i.test(context.label) ? ' · PROD' : ''}]`
		: '';
	const demoBadge = demo ? ' [DEMO]' : '';
	const noticeBadge = notice ? ` [${notice.summary}]` : '';
	// The badges and the health always show in full; the target description gives way.
	const room =
		width -
		TITLE.length -
		1 -
		(context ? 1 + displayWidth(contextBadge) : 0) -
		readOnly.length -
		demoBadge.length -
		displayWidth(noticeBadge) -
		displayWidth(health.text) -
		1;
	const color = {ok: theme.ok, warning: theme.warning, danger: theme.danger}[health.tone];
	return (
		<Box width={width}>
			<Text bold color={theme.accent}>
				{TITLE}
			</Text>
			{context && <Text> </Text>}
			{context && (
				<Text bold inverse={context.production} color={theme.noColor ? undefined : context.color}>
					{contextBadge}
				</Text>
			)}
			<Text> {truncate(describeTarget(target), room)}</Text>
			{readOnly && (
				<Text bold color={theme.danger}>
					{readOnly}
				</Text>
			)}
			{demoBadge && <Text color={theme.warning}>{demoBadge}</Text>}
			{noticeBadge && <Text color={theme.warning}>{noticeBadge}</Text>}
			<Box flexGrow={1} />
			<Text color={color}>{health.text}</Text>
		</Box>
	);
}
