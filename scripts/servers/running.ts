import fs from 'node:fs/promises';
import {type MongoFlavor, ping} from './mongodb.js';
import {servicesFile} from './paths.js';
import type {S3Config} from './s3.js';

/** What `npm run services` records in `.monarch-services.json`. */
export interface RunningServices {
	mongodbUri: string;
	mongodbFlavor: MongoFlavor;
	s3: S3Config;
	/** Process id of the `npm run services` process. */
	pid: number;
	/** ISO time the servers became ready. */
	startedAt: string;
}

/** Writes `.monarch-services.json` (mode 0600: it holds keys). */
export async function writeServicesFile(services: RunningServices): Promise<void> {
	await fs.writeFile(servicesFile, `${JSON.stringify(services, null, '\t')}\n`, {mode: 0o600});
}

/** Removes `.monarch-services.json`, if it is ours (or left behind by a dead process). */
export async function removeServicesFile(pid = process.pid): Promise<void> {
	const current = await readServicesFile();
	if (current === undefined || current.pid === pid || !isAlive(current.pid)) {
		await fs.rm(servicesFile, {force: true});
	}
}

/**
 * The contents of `.monarch-services.json`, but only if the MongoDB server it
 * names answers a ping right now; otherwise undefined (no file, unreadable
 * file, or servers gone).
 */
export async function readRunningServices(timeoutMs = 1500): Promise<RunningServices | undefined> {
	const services = await readServicesFile();
	if (services === undefined) {
		return undefined;
	}

	try {
		await ping(services.mongodbUri, timeoutMs);
		return services;
	} catch {
		return undefined;
	}
}

async function readServicesFile(): Promise<RunningServices | undefined> {
	try {
		const parsed = JSON.parse(await fs.readFile(servicesFile, 'utf8')) as Partial<RunningServices>;
		return typeof parsed.mongodbUri === 'string' && typeof parsed.s3 === 'object' ? (parsed as RunningServices) : undefined;
	} catch {
		return undefined;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
