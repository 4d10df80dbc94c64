import net from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import {type ServerProcess, ServerStartError} from './process.js';

/** Default time a server gets to become ready. */
export const DEFAULT_READY_TIMEOUT_MS = 30_000;

/**
 * Finds a free TCP port on a loopback address by binding port 0 and closing
 * the socket again. Another process could grab the port before the server
 * does; callers retry on an early exit.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, resolve);
	});
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

/**
 * Calls `probe` until it succeeds and returns how long that took in ms.
 * Fails with a one-line {@link ServerStartError} when `server` exits first or
 * when `timeoutMs` passes; `name` and `logFile` identify the server when we
 * did not start it ourselves.
 */
export async function waitUntilReady(
	target: ServerProcess | {name: string; logFile?: string},
	timeoutMs: number,
	probe: () => Promise<void>,
): Promise<number> {
	const started = performance.now();
	const child = 'child' in target ? target.child : undefined;
	let lastError = 'no answer';
	for (;;) {
		if (child && (child.exitCode !== null || child.signalCode !== null)) {
			const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
			throw new ServerStartError(`${target.name} exited with ${how} before it was ready`, target.logFile, true);
		}

		try {
			await probe();
			return performance.now() - started;
		} catch (error) {
			lastError = (error as Error).message.split('\n')[0] ?? String(error);
		}

		if (performance.now() - started > timeoutMs) {
			const seconds = Math.round(timeoutMs / 1000);
			throw new ServerStartError(`${target.name} was not ready after ${seconds}s: ${lastError}`, target.logFile);
		}

		await sleep(100);
	}
}
