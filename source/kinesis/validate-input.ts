/**
 * AWS's input validation for Kinesis, from the generated table of the service model's constraints:
 * every member that breaks one is listed in a single ValidationException message,
 *
 *   2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must
 *   satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to …
 *
 * in the order AWS checks them (members as the table orders them; for each: not null, enum, pattern,
 * length or value from below, then from above), at most 10, as AWS stops there. A missing required
 * member reads `Value null`, unquoted. How values are shown, as AWS's (Java) service shows them: a
 * blob as `java.nio.HeapByteBuffer[pos=0 lim=N cap=N]`, a list as `[a, b]`, a map as `{k=v}`, a
 * structure in a list as `com.amazonaws.kinesis.v20131202.<Shape>@<hash>`.
 *
 * Each action's rules are compiled once into closures that know their members, so a PutRecords of 500
 * records runs fixed checks per record and allocates nothing unless a record breaks a rule: a member's
 * path (`records.3.member.partitionKey`) is spelled out only for the message.
 */
import type {InputRule, StructureRule} from './input-rules.js';
import {kinesisInputRules} from './kinesis-input-constraints.generated.js';

/** AWS lists at most this many problems in one message. */
const MAX_PROBLEMS = 10;

/**
 * Where a value sits, without building the string: `name` under `base`, or (with `index` ≥ 0) the
 * item `index` of the list at `base` (`base.<index + 1>.member`, then `.name` when there is one).
 */
function pathOf(base: string, index: number, name: string) {
	if (index >= 0) return `${base}.${index + 1}.member${name ? `.${name}` : ''}`;
	return base ? `${base}.${name}` : name;
}

type Check = (
	value: unknown,
	base: string,
	index: number,
	name: string,
	problems: string[],
) => void;

function report(
	problems: string[],
	shown: string | null,
	base: string,
	index: number,
	name: string,
	constraint: string,
) {
	if (problems.length >= MAX_PROBLEMS) return;
	const value = shown === null ? 'null' : `'${shown}'`;
	problems.push(
		`Value ${value} at '${pathOf(base, index, name)}' failed to satisfy constraint: ${constraint}`,
	);
}

const atLeastLength = (min: number) => `Member must have length greater than or equal to ${min}`;
const atMostLength = (max: number) => `Member must have length less than or equal to ${max}`;
const atLeastValue = (min: number) => `Member must have value greater than or equal to ${min}`;
const atMostValue = (max: number) => `Member must have value less than or equal to ${max}`;
const matching = (pattern: string) => `Member must satisfy regular expression pattern: ${pattern}`;
const oneOf = (values: string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`;

/** A value as AWS's message shows it (see the top of this file). */
function show(value: unknown, rule: InputRule): string {
	if (rule.type === 'blob') {
		const length = (value as Uint8Array).length;
		return `java.nio.HeapByteBuffer[pos=0 lim=${length} cap=${length}]`;
	}

	if (rule.type === 'list') {
		const items = value as unknown[];
		return `[${items.map((item) => (item === null || item === undefined ? 'null' : show(item, rule.member))).join(', ')}]`;
	}

	if (rule.type === 'map') {
		const entries = Object.entries(value as Record<string, unknown>);
		return `{${entries.map(([key, item]) => `${key}=${show(item, rule.value)}`).join(', ')}}`;
	}

	// AWS shows the object's Java identity; its hash differs per object, kinesalite's recording is kept.
	if (rule.type === 'structure') return `com.amazonaws.kinesis.v20131202.${rule.shape}@c965e310`;
	if (value instanceof Date) return String(value.getTime() / 1000);
	return String(value);
}

/** A list's or map's item constraints, as AWS words them when an item breaks one: `[max, min, …]`. */
function itemConstraints(rule: InputRule) {
	const constraints: string[] = [];
	if ('max' in rule && rule.max !== undefined) {
		constraints.push(
			rule.type === 'integer' || rule.type === 'long'
				? atMostValue(rule.max)
				: atMostLength(rule.max),
		);
	}

	if ('min' in rule && rule.min !== undefined) {
		constraints.push(
			rule.type === 'integer' || rule.type === 'long'
				? atLeastValue(rule.min)
				: atLeastLength(rule.min),
		);
	}

	if (rule.type === 'string' && rule.pattern !== undefined)
		constraints.push(matching(rule.pattern));
	if (rule.type === 'string' && rule.enum) constraints.push(oneOf(rule.enum));
	return constraints;
}

/** Whether a scalar item (a list's string, a map's key or value) keeps its rule. */
function keepsRule(value: unknown, rule: InputRule): boolean {
	if (value === null || value === undefined) return true;
	const problems: string[] = [];
	compile(rule)(value, '', -1, '', problems);
	return problems.length === 0;
}

const compiled = new WeakMap<InputRule, Check>();

function compile(rule: InputRule): Check {
	let check = compiled.get(rule);
	if (!check) {
		check = compileRule(rule);
		compiled.set(rule, check);
	}

	return check;
}

function compileRule(rule: InputRule): Check {
	switch (rule.type) {
		case 'string': {
			return stringCheck(rule);
		}

		case 'blob':
		case 'list':
		case 'map': {
			return sizedCheck(rule);
		}

		case 'integer':
		case 'long': {
			const {min, max} = rule;
			return (value, base, index, name, problems) => {
				if (typeof value !== 'number') return;
				if (min !== undefined && value < min)
					report(problems, String(value), base, index, name, atLeastValue(min));
				if (max !== undefined && value > max)
					report(problems, String(value), base, index, name, atMostValue(max));
			};
		}

		case 'structure': {
			return structureCheck(rule);
		}

		default: {
			return () => {};
		}
	}
}

function stringCheck(rule: Extract<InputRule, {type: 'string'}>): Check {
	const {min, max, pattern, enum: values} = rule;
	// The model's patterns are Java's, matched against the whole value.
	const regex = pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`, 'u');
	return (value, base, index, name, problems) => {
		if (typeof value !== 'string') return;
		if (values && !values.includes(value))
			report(problems, value, base, index, name, oneOf(values));
		if (regex && !regex.test(value)) report(problems, value, base, index, name, matching(pattern!));
		if (min !== undefined && value.length < min)
			report(problems, value, base, index, name, atLeastLength(min));
		if (max !== undefined && value.length > max)
			report(problems, value, base, index, name, atMostLength(max));
	};
}

/** Blobs (bytes), lists (items) and maps (entries): their size, then their items' rules. */
function sizedCheck(rule: Extract<InputRule, {type: 'blob' | 'list' | 'map'}>): Check {
	const {min, max} = rule;
	const items = itemsCheck(rule);
	return (value, base, index, name, problems) => {
		if (typeof value !== 'object' || value === null) return;
		const size =
			rule.type === 'map' ? Object.keys(value).length : (value as {length: number}).length;
		if (min !== undefined && size < min)
			report(problems, show(value, rule), base, index, name, atLeastLength(min));
		if (max !== undefined && size > max)
			report(problems, show(value, rule), base, index, name, atMostLength(max));
		items?.(value, base, index, name, problems);
	};
}

/**
 * A list's or a map's items. Structures are checked one by one, each member under its own path
 * (`records.1.member.partitionKey`); a scalar item that breaks its rule is reported once, for the
 * whole list or map, with all of the item's constraints, as AWS words it.
 */
function itemsCheck(rule: InputRule): Check | undefined {
	if (rule.type === 'list' && rule.member.type === 'structure') {
		const item = compile(rule.member);
		return (value, base, index, name, problems) => {
			const list = value as unknown[];
			const at = pathOf(base, index, name);
			for (let i = 0; i < list.length && problems.length < MAX_PROBLEMS; i++) {
				item(list[i], at, i, '', problems);
			}
		};
	}

	if (rule.type === 'list' && itemConstraints(rule.member).length > 0) {
		const constraint = `Member must satisfy constraint: [${itemConstraints(rule.member).join(', ')}]`;
		return (value, base, index, name, problems) => {
			if (!(value as unknown[]).every((item) => keepsRule(item, rule.member))) {
				report(problems, show(value, rule), base, index, name, constraint);
			}
		};
	}

	if (rule.type === 'map') {
		const keys = `Map keys must satisfy constraint: [${itemConstraints(rule.key).join(', ')}]`;
		const values = `Map value must satisfy constraint: [${itemConstraints(rule.value).join(', ')}]`;
		return (value, base, index, name, problems) => {
			const map = value as Record<string, unknown>;
			if (!Object.keys(map).every((key) => keepsRule(key, rule.key)))
				report(problems, show(map, rule), base, index, name, keys);
			if (!Object.values(map).every((item) => keepsRule(item, rule.value)))
				report(problems, show(map, rule), base, index, name, values);
		};
	}

	return undefined;
}

/**
 * A structure's members, each read as `value.Name` by code made once for the structure: `value[name]`
 * in a loop over the members is a load V8 cannot specialise, and for a put's 500 records it cost more
 * than every check together. The code is only the reads and the calls of each member's check.
 */
type MembersCheck = (value: object, at: string, itemIndex: number, problems: string[]) => void;

function structureCheck(rule: StructureRule): Check {
	const checks = rule.members.map((member) => compile(member.rule));
	const reads = rule.members.map((member, i) => {
		// Member names come from the model; anything but an identifier is refused, not evaluated.
		if (!/^[A-Za-z][A-Za-z0-9]*$/.test(member.name)) {
			throw new Error(
				`Member name ${JSON.stringify(member.name)} of ${rule.shape} is not an identifier`,
			);
		}

		const at = JSON.stringify(member.at);
		const missing = member.required
			? `report(problems, null, at, itemIndex, ${at}, 'Member must not be null');`
			: '';
		return `v = value.${member.name};
if (v === undefined || v === null) {${missing}} else checks[${i}](v, at, itemIndex, ${at}, problems);`;
	});
	const checkMembers = new Function(
		'checks',
		'report',
		`return (value, at, itemIndex, problems) => {\nlet v;\n${reads.join('\n')}\n};`,
	)(checks, report) as MembersCheck;
	return (value, base, index, name, problems) => {
		if (typeof value !== 'object' || value === null) return;
		// A list item's members hang off the item's path without building it (`records.1.member.x`);
		// anywhere else the structure's own path is spelled out first.
		const inList = index >= 0 && name === '';
		checkMembers(value, inList ? base : pathOf(base, index, name), inList ? index : -1, problems);
	};
}

/** The problems AWS would list for `input` to `action` as one message, or undefined if none. */
export function inputValidationMessage(action: string, input: object): string | undefined {
	const rule = Object.hasOwn(kinesisInputRules, action) ? kinesisInputRules[action] : undefined;
	if (!rule) return undefined;
	const problems: string[] = [];
	compile(rule)(input, '', -1, '', problems);
	const count = problems.length;
	if (count === 0) return undefined;
	return `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

/** The actions the model knows (any other is not validated here). */
export const modelActions: readonly string[] = Object.keys(kinesisInputRules);
