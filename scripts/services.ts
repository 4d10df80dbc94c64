/**
 * `npm run services`: starts the test servers (MongoDB or FerretDB, and S3)
 * for local work, prints where they are, records them in
 * `.monarch-services.json` for other scripts, and keeps them up until Ctrl-C.
 */
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {readRunningServices, removeServicesFile, ServerStartError, startServices, writeServicesFile} from './servers/index.js';
import {relative, servicesFile} from './servers/paths.js';

export {type RunningServices, readRunningServices} from './servers/index.js';

async function main(): Promise<number> {
	const already = await readRunningServices();
	if (already) {
		console.error(`services are already running (pid ${already.pid}): ${already.mongodbUri}, ${already.s3.endpoint}`);
		return 1;
	}

	const services = await startServices({handleSignals: false});
	const stopped = new Promise<string>(resolve => {
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
			process.once(signal, () => resolve(signal));
		}
	});
	await writeServicesFile({
		mongodbUri: services.mongodbUri,
		mongodbFlavor: services.mongodbFlavor,
		s3: services.s3,
		pid: process.pid,
		startedAt: new Date().toISOString(),
	});

	const {s3} = services;
	console.log(
		[
			`MongoDB  ${services.mongodbUri}  (${services.mongodbFlavor}, ready in ${services.readyMs.mongodb} ms)`,
			`S3       ${s3.endpoint}  (${services.s3Flavor}, ready in ${services.readyMs.s3} ms)`,
			`         bucket ${s3.bucket}, region ${s3.region}, path-style`,
			`         access key ${s3.accessKeyId}, secret ${s3.secretAccessKey}`,
			`written to ${relative(servicesFile)}; Ctrl-C stops the servers`,
		].join('\n'),
	);

	const outcome = await Promise.race([stopped, services.crashed.then(message => ({message}))]);
	await removeServicesFile();
	await services.stop();
	if (typeof outcome === 'string') {
		console.log(`\nstopped (${outcome})`);
		return 0;
	}

	console.error(outcome.message);
	return 1;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
	try {
		process.exitCode = await main();
	} catch (error) {
		console.error(error instanceof ServerStartError ? error.message : error);
		process.exitCode = 1;
	}
}
