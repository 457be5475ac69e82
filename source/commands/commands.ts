/** Every headless command, by name (serve included: it runs with the engine instead of a Driver). */
import type {AnyCommand} from './command.js';
import {createCommand} from './create.js';
import {deleteCommand} from './delete.js';
import {describeCommand} from './describe.js';
import {mergeCommand} from './merge.js';
import {putCommand} from './put.js';
import {scaleCommand} from './scale.js';
import {serveCommand} from './serve.js';
import {splitCommand} from './split.js';
import {streamsCommand} from './streams.js';
import {tailCommand} from './tail.js';

export const COMMANDS: readonly AnyCommand[] = [
	streamsCommand,
	describeCommand,
	createCommand,
	deleteCommand,
	putCommand,
	tailCommand,
	splitCommand,
	mergeCommand,
	scaleCommand,
	serveCommand,
];

export const findCommand = (name: string) => COMMANDS.find((command) => command.name === name);
