/**
 * The committed constraint table is what the generator makes of botocore's Kinesis model: nobody
 * edits it by hand, and a model update shows up as a diff here. The model must be on the machine
 * (CI installs it: .ci/run); without it, or without the botocore version the table was made from,
 * the test fails and says which it found.
 */
import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	findKinesisModels,
	GENERATED_FILE,
	generateConstraintsSource,
	kinesaliteOrder,
	readKinesisModel,
} from '../../scripts/generate-kinesis-constraints.js';
import {KINESIS_MODEL} from '../../source/kinesis/kinesis-input-constraints.generated.js';

test('the committed constraint table is what the generator makes of the model', async () => {
	const models = findKinesisModels();
	const model = models.find((each) => each.botocore === KINESIS_MODEL.botocore);
	expect(
		model,
		`needs botocore ${KINESIS_MODEL.botocore}'s Kinesis model; found: ${JSON.stringify(models)}`,
	).toBeDefined();
	const generated = await generateConstraintsSource(
		readKinesisModel(model!.path),
		model!.botocore,
		kinesaliteOrder(),
	);
	expect(generated).toBe(readFileSync(GENERATED_FILE, 'utf8'));
});
