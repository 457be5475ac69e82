import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// No test may reach for real AWS: without credentials the SDK would probe the EC2 metadata address.
		// Ink renders only the last frame when it believes it runs in CI; the console tests read frames.
		env: {AWS_EC2_METADATA_DISABLED: 'true', CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
	},
});
