/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
	check: () => T | undefined | false | Promise<T | undefined | false>,
	{timeoutMs = 5_000, intervalMs = 10, message = 'condition'} = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (true) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			lastError = error;
		}

		if (Date.now() > deadline) {
			const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
		}

		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
