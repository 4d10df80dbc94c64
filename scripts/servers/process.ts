import {type ChildProcess, spawn} from 'node:child_process';
import {once} from 'node:events';
import {createWriteStream, rmSync} from 'node:fs';
import fs from 'node:fs/promises';
import type {Socket} from 'node:net';
import path from 'node:path';
import {relative} from './paths.js';

/** How to launch one server. */
export interface SpawnServerOptions {
	/** Short name used in messages, e.g. `ferretdb`. */
	name: string;
	command: string;
	args: string[];
	/** Log file receiving the server's stdout and stderr. */
	logFile: string;
	/** Folders deleted once the server has stopped (its temp data). */
	cleanup: string[];
	env?: NodeJS.ProcessEnv;
}

/** A running server process that we own. */
export interface ServerProcess {
	readonly name: string;
	readonly logFile: string;
	readonly child: ChildProcess;
	/** Settles when the process exits, for whatever reason. */
	readonly exited: Promise<ExitInfo>;
	/** Resolves with a one-line message if the process exits before `stop()` was called; never resolves otherwise. */
	readonly crashed: Promise<string>;
	/** The first stdout line, or undefined if the process exits first. */
	readonly firstLine: Promise<string | undefined>;
	/** Terminates the process (SIGTERM, then SIGKILL) and deletes its temp folders. */
	stop(): Promise<void>;
}

/** How a process ended. */
export interface ExitInfo {
	code: number | null;
	signal: NodeJS.Signals | null;
}

/** Servers still running, so exit handlers can clean them up. */
const live = new Set<Live>();

interface Live {
	child: ChildProcess;
	watchdog: ChildProcess;
	cleanup: string[];
}

let exitHookInstalled = false;

/**
 * Starts a server and guards against orphans three ways: `stop()`, a
 * synchronous `exit` handler, and a detached shell watchdog that notices when
 * this process dies (even by SIGKILL: its stdin pipe closes) and then kills
 * the server and deletes its temp folders.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
	installExitHook();
	// The log's folder is made here, where the log is written, so no caller depends on another having run first.
	await fs.mkdir(path.dirname(options.logFile), {recursive: true});
	const log = createWriteStream(options.logFile, {flags: 'a'});
	await once(log, 'open');
	log.on('error', () => {}); // a full disk must not crash the tests; the server itself still runs
	const child = spawn(options.command, options.args, {
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<ExitInfo>(resolve => {
		child.once('exit', (code, signal) => resolve({code, signal}));
	});
	try {
		await new Promise<void>((resolve, reject) => {
			child.once('spawn', resolve);
			child.once('error', reject);
		});
	} catch (error) {
		log.end();
		await Promise.all(options.cleanup.map(async dir => fs.rm(dir, {recursive: true, force: true})));
		throw new ServerStartError(`${options.name} could not be started: ${(error as Error).message}`, options.logFile);
	}

	child.on('error', error => log.write(`[monarch] ${error.message}\n`));

	const firstLine = new Promise<string | undefined>(resolve => {
		let buffered: string | undefined = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			log.write(chunk);
			if (buffered === undefined) {
				return;
			}

			buffered += chunk.toString('utf8');
			const end = buffered.indexOf('\n');
			if (end >= 0) {
				resolve(buffered.slice(0, end).trim());
				buffered = undefined;
			}
		});
		child.stdout!.once('close', () => resolve(undefined));
	});
	child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));

	const entry: Live = {child, watchdog: startWatchdog(child.pid!, options.cleanup), cleanup: options.cleanup};
	live.add(entry);
	child.once('close', () => log.end()); // after 'exit', once stdout and stderr are drained

	let stopping: Promise<void> | undefined;
	const crashed = new Promise<string>(resolve => {
		void exited.then(({code, signal}) => {
			if (stopping === undefined) {
				const how = signal ? `signal ${signal}` : `code ${code}`;
				resolve(`${options.name} exited unexpectedly with ${how} (log: ${relative(options.logFile)})`);
			}
		});
	});
	const stop = async (): Promise<void> => {
		stopping ??= (async () => {
			entry.watchdog.kill('SIGKILL');
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
				await exited;
				clearTimeout(timer);
			}

			live.delete(entry);
			await Promise.all(options.cleanup.map(async dir => fs.rm(dir, {recursive: true, force: true})));
		})();
		return stopping;
	};

	return {name: options.name, logFile: options.logFile, child, exited, crashed, firstLine, stop};
}

/** A server failed to start or become ready; the message is one line naming it and its log. */
export class ServerStartError extends Error {
	/** The server's log file, for showing its tail. */
	readonly logFile: string | undefined;
	/** True when the process exited by itself before it was ready (e.g. its port was taken). */
	readonly exitedEarly: boolean;

	constructor(message: string, logFile?: string, exitedEarly = false) {
		super(logFile ? `${message} (log: ${relative(logFile)})` : message);
		this.name = 'ServerStartError';
		this.logFile = logFile;
		this.exitedEarly = exitedEarly;
	}
}

/**
 * A detached `sh` that blocks reading a pipe from us. The pipe closes only
 * when this process exits, however it exits; the shell then stops the server
 * and removes its temp folders. `stop()` kills the watchdog first.
 */
function startWatchdog(pid: number, cleanup: string[]): ChildProcess {
	const script = [
		'pid=$1; shift',
		'while read -r _; do :; done',
		'kill -TERM "$pid" 2>/dev/null',
		'i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
		'kill -KILL "$pid" 2>/dev/null',
		'rm -rf -- "$@"',
	].join('\n');
	const watchdog = spawn('/bin/sh', ['-c', script, 'monarch-watchdog', String(pid), ...cleanup], {
		detached: true,
		stdio: ['pipe', 'ignore', 'ignore'],
	});
	watchdog.unref();
	(watchdog.stdin as Socket).unref();
	return watchdog;
}

/** On exit (including `process.exit()`), kill whatever is still running. */
function installExitHook(): void {
	if (exitHookInstalled) {
		return;
	}

	exitHookInstalled = true;
	process.once('exit', () => {
		for (const entry of live) {
			entry.watchdog.kill('SIGKILL');
			entry.child.kill('SIGKILL');
			for (const dir of entry.cleanup) {
				rmSync(dir, {recursive: true, force: true});
			}
		}
	});
}
