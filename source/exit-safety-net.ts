/**
 * The last resort of cli.tsx: once a command or the console has finished and closed everything, the
 * process should end by itself at once. Should something still hold the event loop — a timer or a
 * socket someone forgot to close — the process exits anyway `afterMs` later, and says on stderr what
 * kept it alive, so that the leak is seen (and the tests, which expect an exit within a second, fail)
 * instead of being papered over.
 */

/** 3 s: long enough that a slow flush is never cut, short enough that a quit console still quits. */
export const EXIT_SAFETY_NET_MS = 3000;

/** How the report starts: tests look for it. */
export const STILL_RUNNING = 'kinesis-top: still running';

/** Node's names of what holds the loop, counted: `Timeout ×2, TCPSocketWrap`. */
export function describeResources(resources: readonly string[]) {
	const counts = new Map<string, number>();
	for (const resource of resources) counts.set(resource, (counts.get(resource) ?? 0) + 1);
	return [...counts].map(([name, count]) => (count === 1 ? name : `${name} ×${count}`)).join(', ');
}

/**
 * Arms the net: a timer that keeps nothing alive itself (unref), so it fires only when something else
 * does. `exit` is process.exit, keeping the exit status already set.
 */
export function armExitSafetyNet(
	stderr: NodeJS.WritableStream,
	{afterMs = EXIT_SAFETY_NET_MS, exit = (): void => process.exit()} = {},
) {
	setTimeout(() => {
		const held = describeResources(process.getActiveResourcesInfo());
		stderr.write(
			`${STILL_RUNNING} ${afterMs / 1000} s after finishing, held by: ${held || 'nothing Node names'}; exiting\n`,
		);
		exit();
	}, afterMs).unref();
}
