/**
 * The console's contexts: the list to pick from, and a driver for each context switched to. Drivers are
 * opened once and kept until the console closes, so switching back is instant and a data directory's
 * lock is not taken and released on every switch. The driver the console started with belongs to its
 * caller (run.ts closes it); those opened here are closed by close().
 */
import type {Driver} from '../driver/driver.js';
import {openDriver, type BackendOptions} from '../driver/open-driver.js';
import {chooseBackend, type ContextRequest} from './choose-context.js';
import {describeBackend, targetContext, type Context} from './context.js';
import {findContext, loadContexts} from './contexts.js';

/** One row of the console's context list. */
export type ContextRow = {
	name: string;
	label: string;
	backend: string;
	region?: string;
	/** Known once a driver for it has been opened (the header learns it from the backend). */
	account?: string;
	readOnly: boolean;
	production: boolean;
	/** The command a person must run first (an SSO login), when there is one. */
	login?: string;
	current: boolean;
};

/** What the console started with, when no named context was opened: shown and switchable back to. */
export const COMMAND_LINE_CONTEXT = '(command line)';

export type ContextOpenerOptions = {
	/** The driver the console started with, and the context it was opened as (none: the flags named it). */
	initial: {driver: Driver; context?: Context};
	/** The flags the console was started with (--read-write, --read-only, the engine's settings). */
	request: ContextRequest;
	environment: NodeJS.ProcessEnv;
	open?: (options: BackendOptions, environment: NodeJS.ProcessEnv) => Promise<Driver>;
};

const keyOf = (name: string, region: string | undefined) => `${name}\u0000${region ?? ''}`;

export class ContextOpener {
	private readonly drivers = new Map<string, Driver>();
	private readonly opened: Driver[] = [];
	private currentName: string;
	private currentRegion: string | undefined;

	constructor(private readonly options: ContextOpenerOptions) {
		const {driver, context} = options.initial;
		this.currentName = context?.name ?? COMMAND_LINE_CONTEXT;
		this.currentRegion = undefined;
		this.drivers.set(keyOf(this.currentName, undefined), driver);
	}

	get current() {
		return {name: this.currentName, region: this.currentRegion};
	}

	/** Every context, the one in use marked; the command line's own backend first when it is not one. */
	async rows(): Promise<ContextRow[]> {
		const contexts = await loadContexts(this.options.environment);
		const rows: ContextRow[] = contexts.list.map((context) => this.rowOf(context));
		if (!this.options.initial.context) {
			const {target} = this.options.initial.driver;
			rows.unshift({
				name: COMMAND_LINE_CONTEXT,
				label: COMMAND_LINE_CONTEXT,
				backend: target.location ?? target.backend,
				region: target.region || undefined,
				account: target.account,
				readOnly: target.readOnly,
				production: false,
				current: this.currentName === COMMAND_LINE_CONTEXT,
			});
		}

		return rows;
	}

	private rowOf(context: Context): ContextRow {
		const open = this.drivers.get(keyOf(context.name, undefined));
		const region = context.backend.kind === 'local' ? undefined : context.backend.region;
		return {
			name: context.name,
			label: context.label,
			backend: describeBackend(context.backend),
			region: open?.target.region || region,
			account: open?.target.account,
			readOnly: context.readOnly && this.options.request.readWrite !== true,
			production: context.production,
			login: context.login?.kind === 'sso' ? context.login.command : undefined,
			current: this.currentName === context.name,
		};
	}

	/**
	 * The driver for `name` (in `region`, when given), opened now or earlier. Rejects, leaving the current
	 * context as it was, when the context is unknown or its backend cannot be opened.
	 */
	async switchTo(name: string, region?: string): Promise<{driver: Driver; context?: Context}> {
		const key = keyOf(name, region);
		let driver = this.drivers.get(key);
		if (!driver) {
			driver = await this.openContext(name, region);
			this.drivers.set(key, driver);
			this.opened.push(driver);
		}

		this.currentName = name;
		this.currentRegion = region;
		const context =
			name === COMMAND_LINE_CONTEXT
				? undefined
				: findContext(await loadContexts(this.options.environment), name);
		return {driver, context};
	}

	private async openContext(name: string, region: string | undefined) {
		const open = this.options.open ?? openDriver;
		const {request, environment} = this.options;
		if (name === COMMAND_LINE_CONTEXT) {
			return open({...request.backend, region: region ?? request.backend.region}, environment);
		}

		// The flags that named the first backend (and its --region) name none here: the context does.
		const flags: BackendOptions = {
			readOnly: request.backend.readOnly,
			region,
			maxMemoryBytes: request.backend.maxMemoryBytes,
			enforceLimits: request.backend.enforceLimits,
			httpVersion: request.backend.httpVersion,
		};
		const chosen = await chooseBackend({...request, context: name, backend: flags}, environment);
		const driver = await open(chosen.backend, environment);
		if (chosen.context) driver.target.context = targetContext(chosen.context);
		return driver;
	}

	/** Closes every driver opened here (not the one the console started with). */
	async close() {
		const errors: unknown[] = [];
		for (const driver of this.opened.splice(0)) {
			await driver.close().catch((error: unknown) => errors.push(error));
		}

		this.drivers.clear();
		if (errors.length > 0) throw errors[0];
	}
}
