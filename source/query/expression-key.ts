/**
 * A text key for an expression that ignores where it was written and how names are cased, so that
 * `SELECT partition_key … GROUP BY PARTITION_KEY` is recognised as the same expression twice.
 */
import type {Expression} from './ast.js';

export function expressionKey(expression: Expression): string {
	switch (expression.kind) {
		case 'literal': {
			return JSON.stringify(expression.value);
		}

		case 'timestamp': {
			return `ts(${expression.ms})`;
		}

		case 'interval': {
			return `interval(${expression.ms})`;
		}

		case 'name': {
			return expression.quoted ? `"${expression.name}"` : expression.name.toLowerCase();
		}

		case 'field': {
			return `${expressionKey(expression.base)}${expression.text ? '->>' : '->'}${JSON.stringify(expression.key)}`;
		}

		case 'unary': {
			return `(${expression.op} ${expressionKey(expression.operand)})`;
		}

		case 'binary': {
			return `(${expressionKey(expression.left)} ${expression.op} ${expressionKey(expression.right)})`;
		}

		case 'call': {
			const args = expression.star ? '*' : expression.args.map(expressionKey).join(', ');
			return `${expression.name}(${expression.distinct ? 'DISTINCT ' : ''}${args})`;
		}

		case 'case': {
			const branches = expression.branches
				.map(({when, then}) => `WHEN ${expressionKey(when)} THEN ${expressionKey(then)}`)
				.join(' ');
			const operand = expression.operand ? expressionKey(expression.operand) : '';
			const otherwise = expression.otherwise ? ` ELSE ${expressionKey(expression.otherwise)}` : '';
			return `CASE ${operand} ${branches}${otherwise} END`;
		}

		case 'in': {
			return `(${expressionKey(expression.operand)} ${expression.negated ? 'NOT IN' : 'IN'} (${expression.list.map(expressionKey).join(', ')}))`;
		}

		case 'like': {
			return `(${expressionKey(expression.operand)} ${expression.negated ? 'NOT LIKE' : 'LIKE'} ${expressionKey(expression.pattern)})`;
		}

		case 'between': {
			return `(${expressionKey(expression.operand)} ${expression.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${expressionKey(expression.low)} AND ${expressionKey(expression.high)})`;
		}

		case 'is-null': {
			return `(${expressionKey(expression.operand)} IS ${expression.negated ? 'NOT NULL' : 'NULL'})`;
		}

		case 'cast': {
			return `CAST(${expressionKey(expression.operand)} AS ${expression.type})`;
		}

		case 'step': {
			return `STEP(${expressionKey(expression.operand)} BY ${expression.ms})`;
		}

		case 'floor-to': {
			return `FLOOR(${expressionKey(expression.operand)} TO ${expression.unit})`;
		}
	}
}
