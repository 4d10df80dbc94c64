import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {binDir, ferretdbSourceDir, relative} from './paths.js';

/** The versitygw release we install (`go install …/cmd/versitygw@VERSION`). */
export const VERSITYGW_VERSION = 'v1.7.0';

const VERSITYGW_PACKAGE = 'github.com/versity/versitygw/cmd/versitygw';

/** Paths of the server binaries in `.cache/servers/bin/`. */
export interface ServerBinaries {
	/** Our embedded FerretDB program (scripts/servers/ferretdb). */
	ferretdb: string;
	/** The versitygw S3 gateway. */
	versitygw: string;
}

/** Which binaries to build, and where to report builds. */
export interface EnsureBinariesOptions {
	/** Build FerretDB if missing (default true). */
	ferretdb?: boolean;
	/** Build versitygw if missing (default true). */
	versitygw?: boolean;
	/** Receives one line per build (default: stderr). */
	log?: (line: string) => void;
}

/**
 * Builds the requested server binaries unless a binary for that exact version
 * already exists, and returns their paths. Each build prints one line with
 * its duration (plus one line up front when anything needs building). Binaries are moved into place atomically, so an interrupted
 * build never leaves a half-written binary behind.
 */
export async function ensureServerBinaries(options: EnsureBinariesOptions = {}): Promise<ServerBinaries> {
	const log = options.log ?? ((line: string) => console.error(line));
	const binaries: ServerBinaries = {
		ferretdb: path.join(binDir, `ferretdb-${await ferretdbVersionTag()}`),
		versitygw: path.join(binDir, `versitygw-${VERSITYGW_VERSION}`),
	};
	const ferretdb = options.ferretdb !== false && !existsSync(binaries.ferretdb);
	const versitygw = options.versitygw !== false && !existsSync(binaries.versitygw);
	if (ferretdb || versitygw) {
		const names = [ferretdb && 'ferretdb', versitygw && 'versitygw'].filter(Boolean).join(' and ');
		log(`building ${names} with Go into ${relative(binDir)} (first run only, a few minutes when Go's caches are cold)`);
	}

	// One after the other: on two cores parallel Go builds are no faster, and each line's time stays honest.
	if (ferretdb) {
		await timed('ferretdb', binaries.ferretdb, log, buildFerretdb);
	}

	if (versitygw) {
		await timed('versitygw', binaries.versitygw, log, installVersitygw);
	}

	return binaries;
}

/** `v1.24.2-<hash of our sources>`, so editing main.go or go.sum triggers a rebuild. */
async function ferretdbVersionTag(): Promise<string> {
	const hash = createHash('sha256');
	let goMod = '';
	for (const file of ['go.mod', 'go.sum', 'main.go']) {
		const text = await fs.readFile(path.join(ferretdbSourceDir, file), 'utf8');
		if (file === 'go.mod') {
			goMod = text;
		}

		hash.update(`${file}\0${text}\0`);
	}

	const version = /github\.com\/FerretDB\/FerretDB (v\S+)/.exec(goMod)?.[1] ?? 'unknown';
	return `${version}-${hash.digest('hex').slice(0, 10)}`;
}

async function timed(
	name: string,
	target: string,
	log: (line: string) => void,
	build: (go: string, output: string) => Promise<void>,
): Promise<void> {
	const started = performance.now();
	await fs.mkdir(binDir, {recursive: true});
	const output = `${target}.tmp-${process.pid}`;
	try {
		await build(await findGo(), output);
		await fs.rename(output, target);
	} finally {
		await fs.rm(output, {force: true});
	}

	await removeOtherVersions(name, target);
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	log(`built ${name} in ${seconds}s → ${relative(target)}`);
}

async function buildFerretdb(go: string, output: string): Promise<void> {
	const {$} = await import('zx');
	const result = await $({
		cwd: ferretdbSourceDir,
		env: goEnv(),
		quiet: true,
		nothrow: true,
	})`${go} build -mod=readonly -buildvcs=false -trimpath -o ${output} .`;
	if (result.exitCode !== 0) {
		throw new Error(`building FerretDB failed:\n${result.stderr.trim()}`);
	}
}

async function installVersitygw(go: string, output: string): Promise<void> {
	const gobin = `${output}.d`;
	try {
		const env = {...goEnv(), GOBIN: gobin};
		const {$} = await import('zx');
		const result = await $({
			cwd: binDir,
			env,
			quiet: true,
			nothrow: true,
		})`${go} install -trimpath ${VERSITYGW_PACKAGE}@${VERSITYGW_VERSION}`;
		if (result.exitCode !== 0) {
			throw new Error(`installing versitygw failed:\n${result.stderr.trim()}`);
		}

		await fs.rename(path.join(gobin, 'versitygw'), output);
	} finally {
		await fs.rm(gobin, {recursive: true, force: true});
	}
}

/** Environment for go commands: never pick up a go.work file from above the repo. */
function goEnv(): NodeJS.ProcessEnv {
	return {...process.env, GOWORK: 'off'};
}

/** Deletes binaries of older versions once a new one is in place. */
async function removeOtherVersions(name: string, keep: string): Promise<void> {
	for (const entry of await fs.readdir(binDir)) {
		const file = path.join(binDir, entry);
		if (entry.startsWith(`${name}-`) && file !== keep && !entry.includes('.tmp-')) {
			await fs.rm(file, {force: true});
		}
	}
}

/** The go command: from PATH, else the usual /usr/local/go install. */
async function findGo(): Promise<string> {
	const {which} = await import('zx');
	const fromPath = await which('go', {nothrow: true});
	if (fromPath) {
		return fromPath;
	}

	if (existsSync('/usr/local/go/bin/go')) {
		return '/usr/local/go/bin/go';
	}

	throw new Error('Go toolchain not found: install Go 1.24 or newer and put `go` on PATH (needed to build the test servers)');
}
