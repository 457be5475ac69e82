import {describe, expect, test} from 'vitest';
import {importOutsideCi} from '../../source/ui/import-outside-ci.js';

describe('importOutsideCi', () => {
	test('hides CI and CONTINUOUS_INTEGRATION while loading, and puts them back', async () => {
		const environment: NodeJS.ProcessEnv = {CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h'};
		let seen: NodeJS.ProcessEnv | undefined;
		const loaded = await importOutsideCi(async () => {
			seen = {...environment};
			return 'module';
		}, environment);
		expect(loaded).toBe('module');
		expect(seen).toEqual({HOME: '/h'});
		expect(environment).toEqual({CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h'});
	});

	test('puts them back when the load fails, and adds none that were not there', async () => {
		const environment: NodeJS.ProcessEnv = {CI: 'false'};
		await expect(
			importOutsideCi(async () => {
				expect('CI' in environment).toBe(false);
				throw new Error('no such module');
			}, environment),
		).rejects.toThrow('no such module');
		expect(environment).toEqual({CI: 'false'});
		const empty: NodeJS.ProcessEnv = {};
		await importOutsideCi(async () => undefined, empty);
		expect(empty).toEqual({});
	});
});
