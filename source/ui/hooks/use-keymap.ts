/**
 * Keys to commands, through the keymap, with one owner of the keyboard: the app reads every key (with
 * Ink's useInput), looks it up in the top screen's scope and then the global one, handles the global
 * commands itself and hands the rest to the screen on top, which registered its handler with
 * {@link useScreenCommands}.
 *
 * While a prompt is open it captures every key ({@link useKeyCapture}) instead.
 *
 * A burst (keys typed faster than a frame, over SSH; a paste) behaves exactly like the same keys typed
 * slowly: {@link useKeyQueue} hands the keys over one at a time, and a key that ran a command waits
 * until React has committed what that command did, so `j⏎` opens the stream `j` selected and
 * `:tail x⏎` runs the command.
 *
 * Routing never waits for React's passive effects otherwise: Ink draws a frame at commit, and a key
 * typed right after must already reach what is on that frame. So the handler reads the current
 * scopes, screen and prompt from refs that layout effects keep up to date; the app switches routing
 * off at once (`enabled`) when it opens a prompt, until the prompt is there to capture.
 */
import {createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef} from 'react';
import {typedKeys} from '../key-presses.js';
import type {Press} from '../key-reader.js';
import {useKeyQueue, type Route} from './use-key-queue.js';
import {bindingFor, KEYMAP, type Binding, type Command, type Scope} from '../keymap.js';

export type CommandHandler = (command: Command) => void;
/**
 * Takes one key press or paste; returns false once it has let go of the keyboard (its prompt was
 * answered), so that the next key waits for what the answer did.
 */
export type KeyHandler = (press: Press) => boolean;

export type CommandRouter = {
	/** The top screen's command handler. */
	register(handler: CommandHandler): () => void;
	/** Takes every key, raw, while registered (the prompt). */
	capture(handler: KeyHandler): () => void;
};

export const CommandRouterContext = createContext<CommandRouter>({
	register: () => () => undefined,
	capture: () => () => undefined,
});

/** The screen side: `onCommand` receives the commands of the screen's scope while `active`. */
export function useScreenCommands(onCommand: CommandHandler, active: boolean) {
	const router = useContext(CommandRouterContext);
	useLayoutEffect(() => {
		if (!active) return;
		return router.register(onCommand);
	}, [router, onCommand, active]);
}

/** The prompt side: `handler` gets every key, raw, while `active`. */
export function useKeyCapture(handler: KeyHandler, active: boolean) {
	const router = useContext(CommandRouterContext);
	useLayoutEffect(() => {
		if (!active) return;
		return router.capture(handler);
	}, [router, handler, active]);
}

export type KeymapOptions = {
	keymap?: readonly Binding[];
	/** Read at every key: false while something else (a prompt) has the keyboard. */
	enabled?: () => boolean;
	/** Called for every key routed (before its command), e.g. to dismiss a notice. */
	onKey?: () => void;
};

/**
 * The app side: routes keys for `scopes` (the top screen's, then `global`); the global commands go to
 * `onGlobal`, the others to the registered screen. Returns the router for CommandRouterContext.
 */
export function useKeymap(
	scopes: readonly Scope[],
	onGlobal: CommandHandler,
	options: KeymapOptions = {},
): CommandRouter {
	const screen = useRef<CommandHandler | undefined>(undefined);
	const captor = useRef<KeyHandler | undefined>(undefined);
	const current = useRef({scopes, onGlobal, options});
	useLayoutEffect(() => {
		current.current = {scopes, onGlobal, options};
	});
	const router = useMemo<CommandRouter>(
		() => ({
			register(handler) {
				screen.current = handler;
				return () => {
					if (screen.current === handler) screen.current = undefined;
				};
			},
			capture(handler) {
				captor.current = handler;
				return () => {
					if (captor.current === handler) captor.current = undefined;
				};
			},
		}),
		[],
	);
	/** One press; true when it may have changed what the next one meets (see useKeyQueue). */
	const route = useCallback<Route>((press, putBack) => {
		if (captor.current) return !captor.current(press);
		const {scopes, onGlobal, options} = current.current;
		if (options.enabled && !options.enabled()) return false;
		// A paste with no prompt open is taken as the keys typed.
		if ('paste' in press) {
			putBack(typedKeys(press.paste).map(([input, key]) => ({input, key})));
			return false;
		}

		options.onKey?.();
		const binding = bindingFor(press.input, press.key, scopes, options.keymap ?? KEYMAP);
		if (!binding) return false;
		if (binding.scope === 'global') onGlobal(binding.command);
		else screen.current?.(binding.command);
		return true;
	}, []);
	useKeyQueue(route);
	return router;
}
