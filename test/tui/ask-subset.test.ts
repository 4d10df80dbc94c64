import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import type {MonarchEvent} from '../../source/core/events.js';
import type {ConfirmQuestion, Prompter} from '../../source/core/prompts.js';
import type {TuiServices} from '../../source/tui/context.js';
import {askSubset} from '../../source/tui/jobs/ask-subset.js';
import {createProject, testMongoUri} from '../helpers/project.js';
import {declaredReferences, seedReferenceGraph} from '../helpers/reference-graph.js';

/** Answers the form's questions in order, by key, recording them; the confirmation's details kept. */
function scripted(answers: Record<string, string | boolean>, asked: string[], details: string[][]): Prompter {
	const answer = async (key: string | undefined) => {
		asked.push(key ?? '');
		if (!key || !(key in answers)) throw new Error(`unexpected question ${key}`);
		return answers[key]!;
	};
	return {
		text: async question => String(await answer(question.key)),
		number: async () => Promise.reject(new Error('no number asked')),
		select: async question => (await answer(question.key)) as never,
		async confirm(question: ConfirmQuestion) {
			details.push(question.details ?? []);
			return (await answer(question.key)) as boolean;
		},
		confirmDangerous: async () => Promise.reject(new Error('nothing dangerous asked')),
	};
}

test('the copy form offers a subset: root, filter, direction, then the estimate per collection to confirm', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {references: declaredReferences},
	});
	await seedReferenceGraph(project.db('development'));
	const tui = {config: await loadConfig({cwd: project.dir})} as TuiServices;
	const events: MonarchEvent[] = [];
	const run = async (answers: Record<string, string | boolean>) => {
		const asked: string[] = [];
		const details: string[][] = [];
		const request = await askSubset(scripted(answers, asked, details), tui, {
			from: 'development',
			to: 'staging',
			verb: 'Copy',
			events: event => events.push(event),
			signal: new AbortController().signal,
		});
		return {request, asked, details};
	};

	const all = await run({subset: 'all'});
	t.is(all.request, undefined);
	t.deepEqual(all.asked, ['subset']);

	const pro = await run({subset: 'subset', root: 'accounts', which: '{"plan":"pro"}', follow: 'both', take: true});
	t.deepEqual(pro.request, {subset: ['accounts:{"plan":"pro"}'], follow: 'both'});
	t.deepEqual(pro.asked, ['subset', 'root', 'which', 'follow', 'take']);
	t.regex(pro.details[0]!.join('\n'), /^accounts\s+root\s+7\s/m);
	t.regex(pro.details[0]!.join('\n'), /^events\s+down\s+70\s/m);
	t.deepEqual(await project.db('staging').listCollections().toArray(), []);

	const refused = await t.throwsAsync(run({subset: 'subset', root: 'accounts', which: '5%', follow: 'down', take: false}));
	t.regex(refused.message, /cancelled at its estimate; nothing was written/);
});
