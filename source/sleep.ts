/**
 * A wait that an AbortSignal cuts short, rejecting with the signal's own reason (as the SDK's calls
 * do), so a caller tells an interrupted wait from a failed call the same way. Node's
 * `timers/promises` would reject with an AbortError wrapping the reason instead.
 */
export function sleep(ms: number, signal: AbortSignal | undefined) {
	return new Promise<void>((resolve, reject) => {
		if (signal?.aborted) {
			reject(signal.reason as Error);
			return;
		}

		const onAbort = () => {
			clearTimeout(timer);
			reject(signal!.reason as Error);
		};

		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}
