/**
 * One job function per operation, whoever starts it: in the TUI's sources,
 * the core's copy, backup, restore, rehearse, audit and gated migrate are called in one file each,
 * the job function every panel and the `:` palette start. A second caller (a
 * panel running its own copy) would ask other questions, or none: the
 * QuerySets panel's own copy once skipped the scrub question and failed with
 * "say --scrub or --no-scrub".
 */
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';

const tuiFolder = fileURLToPath(new URL('../../source/tui/', import.meta.url));

/** The core call of each operation, and the one file that may make it. */
const jobs = {
	copyDatabase: 'jobs/copy-job.ts',
	backup: 'jobs/backup-job.ts',
	restore: 'jobs/restore-job.ts',
	rehearse: 'jobs/rehearse-job.ts',
	auditScrub: 'jobs/privacy-jobs.ts',
	// migrate and migrate_one, through the gate (and past its refusal, with `unrehearsed`, only there).
	migrateThroughGate: 'jobs/migrate-job.ts',
} as const;

test("the core's copy, backup, restore, rehearse, audit and gated migrate are each called by one job function in source/tui/jobs", async t => {
	const files = (await readdir(tuiFolder, {recursive: true})).filter(file => /\.tsx?$/.test(file));
	const callers: Record<string, string[]> = Object.fromEntries(Object.keys(jobs).map(name => [name, []]));
	for (const file of files) {
		const text = await readFile(path.join(tuiFolder, file), 'utf8');
		for (const name of Object.keys(jobs)) {
			// A call with an options object, however the function was imported (`core.backup({`, `backup({`).
			if (new RegExp(`\\b${name}\\(\\{`).test(text)) callers[name]!.push(file.split(path.sep).join('/'));
		}
	}

	t.deepEqual(callers, Object.fromEntries(Object.entries(jobs).map(([name, file]) => [name, [file]])));
});
