/**
 * Ink 6 asks once, when its `is-in-ci` dependency is first imported, whether it runs in CI (the CI or
 * CONTINUOUS_INTEGRATION variable set) — and if so draws nothing until the app exits. The console is
 * only opened on a terminal, where a CI variable merely inherited (a developer's shell, a CI job that
 * starts a console in a pty) must not blank the screen. So the variables are hidden while Ink loads
 * and put back at once: the environment stays as it was for everything else — the AWS SDK, the demo,
 * child processes — and Ink keeps the answer it read.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/** Runs `load` (the import that first loads Ink) with the CI variables out of `environment`. */
export async function importOutsideCi<T>(
	load: () => Promise<T>,
	environment: NodeJS.ProcessEnv = process.env,
): Promise<T> {
	const hidden = CI_VARIABLES.filter((name) => name in environment).map(
		(name) => [name, environment[name]] as const,
	);
	for (const [name] of hidden) delete environment[name];
	try {
		return await load();
	} finally {
		for (const [name, value] of hidden) environment[name] = value;
	}
}
