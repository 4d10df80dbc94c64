/**
 * `npm test`: builds as `npm run build` does, unless dist/ was built from the files there are now (end-to-end tests run dist/cli/main.js), starts
 * the test servers, runs ava against them with MONARCH_TEST_* set, stops the
 * servers and exits with ava's exit code. Extra arguments go to ava, e.g.
 * `npm test -- test/config.test.ts --match='*backup*'`.
 */
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {buildMonarch} from './build.js';
import {ServerStartError, type Services, servicesEnv, startServices} from './servers/index.js';
import {repoRoot} from './servers/paths.js';

const SIGNAL_NUMBERS = {SIGINT: 2, SIGTERM: 15, SIGHUP: 1} as const;

/** Set once we were sent a signal: servers dying then (Ctrl-C reaches them too) is expected. */
let interrupted = false;

function seconds(since: number): string {
	return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}

/** Runs a command with the terminal attached; resolves with its exit code (128+n when killed by a signal). */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const child = spawn(command, args, {cwd: repoRoot, env, stdio: 'inherit'});
	// Ctrl-C reaches the child through the terminal; other signals sent to us are passed on.
	const forward = (signal: NodeJS.Signals): void => {
		interrupted = true;
		child.kill(signal);
	};

	for (const signal of Object.keys(SIGNAL_NUMBERS) as NodeJS.Signals[]) {
		process.on(signal, forward);
	}

	try {
		return await new Promise<number>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (code, signal) => {
				resolve(code ?? 128 + (signal && signal in SIGNAL_NUMBERS ? SIGNAL_NUMBERS[signal as keyof typeof SIGNAL_NUMBERS] : 1));
			});
		});
	} finally {
		for (const signal of Object.keys(SIGNAL_NUMBERS) as NodeJS.Signals[]) {
			process.off(signal, forward);
		}
	}
}

function bin(name: string): string {
	return path.join(repoRoot, 'node_modules', '.bin', name);
}

/** The last lines of a server log, so CI output shows why a server failed. */
function logTail(file: string, lines = 30): string {
	try {
		return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(log file missing)';
	}
}

async function main(): Promise<number> {
	let started = performance.now();
	const built = await buildMonarch({ifChanged: true});
	if (built !== 0) {
		console.error(`test: the build failed (exit ${built}) after ${seconds(started)}`);
		return built;
	}

	console.error(`test: built in ${seconds(started)}`);

	// A signal while the servers start ends us at once; the exit hook and the watchdogs clean up.
	started = performance.now();
	let services: Services;
	try {
		services = await startServices({handleSignals: false});
	} catch (error) {
		if (!(error instanceof ServerStartError)) {
			throw error;
		}

		console.error(`test: ${error.message}`);
		if (error.logFile) {
			console.error(logTail(error.logFile));
		}

		return 1;
	}

	console.error(
		`test: ${services.mongodbFlavor} at ${services.mongodbUri} (ready in ${services.readyMs.mongodb} ms), ` +
			`${services.s3Flavor} at ${services.s3.endpoint} (ready in ${services.readyMs.s3} ms); up in ${seconds(started)}`,
	);

	let crash: string | undefined;
	void services.crashed.then(message => {
		crash = message;
	});
	try {
		// From here a signal goes to ava (see run), and we stop the servers once ava is done.
		const code = await run(bin('ava'), process.argv.slice(2), servicesEnv(services));
		if (crash && !interrupted) {
			console.error(`test: ${crash}`);
			return code === 0 ? 1 : code;
		}

		return code;
	} finally {
		await services.stop();
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	console.error(error);
	process.exitCode = 1;
}

// Do not wait for stray handles (e.g. sockets of a failed probe): we are done.
process.exit();
