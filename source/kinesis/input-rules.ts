/**
 * The shape of the generated constraint table (kinesis-input-constraints.generated.ts): each Kinesis
 * action's input as AWS's service model constrains it, in the order AWS checks it. Lengths (`min`,
 * `max`) count characters of a string, bytes of a blob, items of a list and entries of a map; on an
 * integer they bound its value, as in the model.
 */
export type InputRule =
	| {type: 'string'; min?: number; max?: number; pattern?: string; enum?: string[]}
	| {type: 'blob'; min?: number; max?: number}
	| {type: 'integer' | 'long'; min?: number; max?: number}
	| {type: 'boolean' | 'timestamp' | 'double'}
	| {type: 'list'; min?: number; max?: number; member: InputRule}
	| {type: 'map'; min?: number; max?: number; key: InputRule; value: InputRule}
	| StructureRule;

export type StructureRule = {
	type: 'structure';
	/** The model's shape name: AWS shows a structure inside a list as `…v20131202.<shape>@<hash>`. */
	shape: string;
	members: MemberRule[];
};

export type MemberRule = {
	/** As on the wire: `StreamName`. */
	name: string;
	/** As AWS writes it in a validation message: `streamName`. */
	at: string;
	required?: true;
	rule: InputRule;
};
