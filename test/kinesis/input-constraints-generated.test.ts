/**
 * The committed constraint table is what the generator makes of the committed copy of botocore's
 * Kinesis model: nobody edits it by hand, and a model update (`npm run generate:model -- --update`)
 * shows up as a diff of both.
 */
import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	GENERATED_FILE,
	generateConstraintsSource,
	kinesaliteOrder,
	readCommittedModel,
} from '../../scripts/generate-kinesis-constraints.js';
import {KINESIS_MODEL} from '../../source/kinesis/kinesis-input-constraints.generated.js';

test('the committed constraint table is what the generator makes of the model', async () => {
	const {botocore, model} = readCommittedModel();
	expect(botocore).toBe(KINESIS_MODEL.botocore);
	expect(model.metadata.apiVersion).toBe(KINESIS_MODEL.apiVersion);
	const generated = await generateConstraintsSource(model, botocore, kinesaliteOrder());
	expect(generated).toBe(readFileSync(GENERATED_FILE, 'utf8'));
});
